/** Shared HTTP plumbing for API adapters: pooled keep-alive connections, status → error class. */
import { Pool, errors as undiciErrors } from 'undici';
import { PermanentError, RetryableError } from './sut.js';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class HttpClient {
  private readonly pool: Pool;
  readonly basePath: string;

  constructor(baseUrl: string, connections: number, private readonly timeoutMs: number) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, { connections, pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 30_000 });
  }

  async postJson(path: string, headers: Record<string, string>, payload: unknown, signal?: AbortSignal): Promise<JsonResponse> {
    try {
      const res = await this.pool.request({
        path: this.basePath + path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(payload),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        ...(signal ? { signal } : {}),
      });
      const body = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body };
    } catch (e) {
      throw classifyNetworkError(e);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
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
    if (secret && e instanceof Error) e.message = redactSecret(e.message, secret);
    throw e;
  }
}
