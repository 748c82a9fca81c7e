/** Shared HTTP plumbing for API adapters: pooled keep-alive connections, status → error class. */
import type { Socket } from 'node:net';
import { Pool, buildConnector, errors as undiciErrors, type Dispatcher } from 'undici';
import { PermanentError, RetryableError } from './sut.js';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];

/**
 * A connection opened ahead (`preconnect`) is used only this long: servers close connections that
 * stay idle (uvicorn, which serves vLLM, after 5 s by default), and a closed one would cost a retry.
 */
const SPARE_MAX_AGE_MS = 4_000;

interface SpareConnection {
  socket: Socket;
  openedAt: number;
}

/** A spare connection must stay silent: data or an end from the server means it cannot be used. */
function destroyWhenReadable(this: Socket): void {
  this.destroy();
}

export class HttpClient {
  private readonly pool: Pool;
  private readonly url: URL;
  private readonly origin: string;
  private readonly maxConnections: number;
  /** undici's own connector (TCP, or TLS with session reuse), for the pool and for `preconnect`. */
  private readonly connector = buildConnector({});
  private readonly spare: SpareConnection[] = [];
  private closed = false;
  readonly basePath: string;
  /** Requests in flight per abort signal: one listener per signal cancels them all, not one listener per request. */
  private readonly inFlight = new WeakMap<AbortSignal, Set<Controller>>();

  /**
   * `concurrency`: requests in flight at most (the runner's limiter enforces it). The pool may
   * hold twice as many connections: undici hands a connection back only a loop turn after its
   * answer (and checks an idle one for a stray close another turn later), so a request sent in
   * the slot that answer freed would wait for both. With spare connections it goes out on an
   * idle one at once (docs/performance.md: 50 ms, 64 in flight, the wait fell from ≈ 2.2 to ≈ 0.8 ms).
   * Spare connections are opened only when needed and closed after 30 s idle.
   */
  constructor(baseUrl: string, concurrency: number, timeoutMs: number) {
    this.url = new URL(baseUrl);
    this.origin = this.url.origin;
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    this.maxConnections = 2 * concurrency;
    this.pool = new Pool(this.origin, {
      connections: this.maxConnections, pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 30_000,
      connect: (options, callback) => this.connect(options, callback),
    });
  }

  /**
   * Opens the pool's connections now, in the background, so that TCP and TLS handshakes overlap
   * whatever comes before the first request (the runner validates the suite meanwhile) instead of
   * holding up the first requests. Nothing is sent; a connection that fails here is simply not
   * used (the request that would have used it connects, and reports errors, on its own).
   */
  preconnect(count = this.maxConnections): void {
    const { hostname, host, protocol, port } = this.url;
    for (let i = 0; i < count; i++) {
      this.connector({ hostname, host, protocol, port }, (error, socket) => {
        if (error || !socket) return;
        if (this.closed) {
          socket.destroy();
          return;
        }
        // Unreferenced while spare: an unused connection must not keep the process alive.
        socket.unref();
        socket.once('readable', destroyWhenReadable);
        this.spare.push({ socket, openedAt: performance.now() });
      });
    }
  }

  /** The pool's connector: a spare connection opened ahead when there is one, else a new connection. */
  private connect(options: buildConnector.Options, callback: buildConnector.Callback): void {
    const spare = this.takeSpare();
    if (!spare) {
      this.connector(options, callback);
      return;
    }
    // As undici does before it reuses an idle connection: let what is pending on it (a close, a
    // stray 408) arrive first, one loop turn. undici also expects this callback later, not within this call.
    setImmediate(() => {
      const { socket } = spare;
      if (socket.destroyed) {
        this.connect(options, callback);
        return;
      }
      socket.off('readable', destroyWhenReadable);
      socket.ref();
      callback(null, socket);
    });
  }

  private takeSpare(): SpareConnection | undefined {
    for (let spare = this.spare.pop(); spare; spare = this.spare.pop()) {
      if (!spare.socket.destroyed && performance.now() - spare.openedAt <= SPARE_MAX_AGE_MS) return spare;
      spare.socket.destroy();
    }
    return undefined;
  }

  /**
   * POST a JSON body and read the whole answer. Uses undici's handler API (no response stream
   * per request): on a busy run the HTTP layer is a large share of the harness's own work.
   */
  postJson(path: string, headers: Record<string, string>, payload: unknown, signal?: AbortSignal): Promise<JsonResponse> {
    return new Promise<JsonResponse>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const chunks: Buffer[] = [];
      let status = 0;
      let responseHeaders: JsonResponse['headers'] = {};
      let controller: Controller | undefined;
      const settle = (): void => {
        if (controller && signal) this.inFlight.get(signal)?.delete(controller);
      };
      this.pool.dispatch(
        {
          origin: this.origin,
          path: this.basePath + path,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          // Timeouts: the pool's (headersTimeout, bodyTimeout), set once for every request.
          body: JSON.stringify(payload),
        },
        {
          onRequestStart: (c) => {
            controller = c;
            if (!signal) return;
            // Aborted while queued for a connection: cancel now, the signal's listener has fired already.
            if (signal.aborted) c.abort(abortError());
            else this.track(signal, c);
          },
          onResponseStart: (_c, statusCode, h) => {
            status = statusCode;
            responseHeaders = h;
          },
          onResponseData: (_c, chunk) => {
            chunks.push(chunk);
          },
          onResponseEnd: () => {
            settle();
            resolve({ status, headers: responseHeaders, body: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8') });
          },
          onResponseError: (_c, error) => {
            settle();
            reject(signal?.aborted ? abortError() : classifyNetworkError(error));
          },
        },
      );
    });
  }

  private track(signal: AbortSignal, controller: Controller): void {
    let controllers = this.inFlight.get(signal);
    if (!controllers) {
      const set = new Set<Controller>();
      controllers = set;
      this.inFlight.set(signal, set);
      signal.addEventListener('abort', () => {
        for (const c of set) c.abort(abortError());
        set.clear();
      }, { once: true });
    }
    controllers.add(controller);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { socket } of this.spare.splice(0)) socket.destroy();
    await this.pool.close();
  }
}

function abortError(): Error {
  const e = new Error('request aborted');
  e.name = 'AbortError';
  return e;
}

function classifyNetworkError(e: unknown): Error {
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) {
    return new RetryableError('request timed out');
  }
  if (e instanceof undiciErrors.RequestAbortedError || (e as Error)?.name === 'AbortError') {
    return e as Error; // cancellation, not a failure: the runner decides
  }
  const code = (e as { code?: string }).code ?? '';
  return new RetryableError(`connection failed: ${code || (e as Error).message}`);
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** 408, 409, 429 and 5xx are worth another try; other 4xx mean the request itself is wrong. */
export function errorForStatus(res: JsonResponse, provider: string): Error {
  const detail = extractErrorMessage(res.body);
  const message = `${provider} HTTP ${res.status}${detail ? `: ${detail}` : ''}`;
  if (res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500) {
    return new RetryableError(message, parseRetryAfter(res.headers['retry-after']));
  }
  return new PermanentError(message);
}

function extractErrorMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof json.error === 'string' ? json.error : (json.error?.message ?? json.message);
    if (typeof m === 'string') return m.slice(0, 300);
  } catch {
    /* not JSON: fall through */
  }
  return body.slice(0, 200);
}

/** Parse a JSON body; a garbage body from a 200 is a server fault, worth a retry. */
export function parseJsonBody<T>(body: string, provider: string): T {
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new RetryableError(`${provider} returned a body that is not JSON (${body.length} bytes)`);
  }
}

/**
 * A server may echo the key in an error or a response ("invalid key sk-…"). Nothing we
 * store or print may contain it, so adapters pass both through this.
 */
export function redactSecret<T extends string>(text: T, secret: string | undefined): T {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('[redacted]') as T;
}

export async function withSecretRedacted<T extends { text: string; reasoning?: string }>(secret: string | undefined, call: () => Promise<T>): Promise<T> {
  if (!secret) return call();
  try {
    const res = await call();
    return { ...res, text: redactSecret(res.text, secret), ...(res.reasoning !== undefined ? { reasoning: redactSecret(res.reasoning, secret) } : {}) };
  } catch (e) {
    if (e instanceof Error) e.message = redactSecret(e.message, secret);
    throw e;
  }
}
