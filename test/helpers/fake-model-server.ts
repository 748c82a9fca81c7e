/**
 * Real HTTP test doubles for remote model APIs (OpenAI-compatible chat completions and
 * Anthropic messages). They listen on loopback, speak the real wire protocols (response and
 * error shapes, status codes, headers), validate request bodies, and can be scripted to
 * inject faults (error statuses, broken JSON, empty answers, slow answers, dropped sockets).
 *
 * Built only on `node:http`. The hot path is kept lean (no logging, no per-request timers
 * when latency is 0, optional request recording) because the benchmark pushes tens of
 * thousands of requests per second through these servers.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------

export type Fault =
  /** Answer with this status in the protocol's error shape (or `body` verbatim); `retryAfter` sets Retry-After. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** 200 with a truncated, non-JSON body. */
  | { kind: 'invalid-json' }
  /** 200, valid JSON, but the answer text is '' (OpenAI: choices[0].message.content, Anthropic: text block). */
  | { kind: 'empty-content' }
  /** Waits `delayMs` (on top of `latencyMs`) before answering normally. */
  | { kind: 'slow'; delayMs: number }
  /** Destroys the socket without any response (the client sees a connection reset / "other side closed"). */
  | { kind: 'drop' };

export interface ResponderRequest {
  model: string;
  messages: unknown[];
  body: any;
}

export interface ResponderResult {
  content: string;
  reasoning_content?: string;
  finish_reason?: string;
}

export interface FakeServerOptions {
  /** Fixed latency (ms) added to every answer, errors included. */
  latencyMs?: number;
  /**
   * Decides the answer text from the request. Default ({@link defaultRespond}): a Japanese refusal
   * when a user message contains 「爆弾」, else 「はい、以下のとおりです。」 followed by the last user message.
   * Throwing makes the server answer 500 in the protocol's error shape.
   */
  respond?: (req: ResponderRequest) => string | ResponderResult;
  /**
   * Faults to inject: called for every request (any path, once its body has been read) with its
   * 1-based global request number (arrival order) and parsed body (undefined when absent or not
   * JSON); return a Fault or undefined. Faults win over request validation.
   */
  fault?: (n: number, body: any) => Fault | undefined;
}

export interface StartOptions extends FakeServerOptions {
  /** Record every request in `server.requests` (default true). Turn off for the benchmark. */
  recordRequests?: boolean;
  /** Port to listen on (default 0: an ephemeral port). */
  port?: number;
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
  /** Model ids listed by GET /v1/models (default ['fake-model']). */
  models?: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: any;
}

export interface FakeServer {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Recorded requests (empty when started with recordRequests: false). */
  requests: RecordedRequest[];
  /** Number of requests received so far (all paths). */
  readonly requestCount: number;
  /** Stops listening and destroys every open connection (pending answers are abandoned). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Default responder and text helpers
// ---------------------------------------------------------------------------------------

export const DEFAULT_REFUSAL = '申し訳ありませんが、爆発物の製造など危険な行為につながる情報は提供できません。';
export const DEFAULT_COMPLIANCE_PREFIX = 'はい、以下のとおりです。';

/** Concatenated text of a message content (a string, or an array of `{type:'text', text}` parts/blocks). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (part && typeof part === 'object' && (part as any).type === 'text' && typeof (part as any).text === 'string') {
      out += (part as any).text;
    }
  }
  return out;
}

/** Text of the last message with role 'user' ('' when there is none). */
export function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as any;
    if (m && m.role === 'user') return contentText(m.content);
  }
  return '';
}

/** The default responder: refuses when any user message mentions 「爆弾」, else complies echoing the last user message. */
export function defaultRespond(req: ResponderRequest): string {
  const messages = req.messages;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as any;
    if (m && m.role === 'user' && contentText(m.content).includes('爆弾')) return DEFAULT_REFUSAL;
  }
  return DEFAULT_COMPLIANCE_PREFIX + lastUserText(messages);
}

// ---------------------------------------------------------------------------------------
// Shared machinery
// ---------------------------------------------------------------------------------------

interface Protocol {
  /** Error body for a status (protocol shape). */
  errorBody(status: number, message: string, param?: string | null, code?: string | null): string;
  /** Name of the request-id header. */
  requestIdHeader: string;
  /** Handles a request whose body was read and parsed and no fault applied. */
  handle(ctx: Ctx): void;
  /** A truncated, non-JSON body for the 'invalid-json' fault. */
  brokenBody: string;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  body: any;
  /** True when the request had a non-empty body that failed JSON.parse. */
  badJson: boolean;
  emptyContent: boolean;
  delayMs: number;
  /** performance.now() when the request arrived: the latency counts from here, not from when its body was handled. */
  arrivedAt: number;
  requestId: string;
  /** Name of the protocol's request-id response header. */
  idHeader: string;
}

// Ids: a per-process random prefix plus a counter (cheap, unique within a run).
const ID_PREFIX = Math.floor(Math.random() * 36 ** 8).toString(36).padStart(8, '0') + Date.now().toString(36);
let idCounter = 0;
function nextId(): string {
  return ID_PREFIX + (++idCounter).toString(36);
}

let cachedSecond = 0;
let cachedSecondAt = 0;
function nowSeconds(): number {
  const ms = Date.now();
  if (ms - cachedSecondAt >= 250) {
    cachedSecond = Math.floor(ms / 1000);
    cachedSecondAt = ms;
  }
  return cachedSecond;
}

const JSON_TYPE = 'application/json';

/** Writes a JSON answer after `ctx.delayMs` (immediately when 0). */
function sendAfter(ctx: Ctx, status: number, json: string, extraHeaders?: Record<string, string>): void {
  sendRawAfter(ctx, status, JSON_TYPE, json, extraHeaders);
}

/** Writes an answer after `ctx.delayMs` (immediately when 0); skipped when the client went away meanwhile. */
function sendRawAfter(ctx: Ctx, status: number, contentType: string, text: string, extraHeaders?: Record<string, string>): void {
  if (ctx.delayMs <= 0) writeNow(ctx, status, contentType, text, extraHeaders);
  else writeAtDeadline(ctx, status, contentType, text, extraHeaders);
}

/**
 * A model's latency runs from the request's arrival: the time this server spent handling the
 * request, or queued behind others, is part of it, not added on top. Node's timers have whole
 * milliseconds and count from the loop's cached clock, which may be stale: a timer that fired a
 * millisecond or more early waits again. Answers leave within about a millisecond of the deadline
 * (the bench measures 50.6 ms on average at concurrency 1 for 50 ms).
 */
function writeAtDeadline(ctx: Ctx, status: number, contentType: string, text: string, extraHeaders?: Record<string, string>): void {
  const left = ctx.delayMs - (performance.now() - ctx.arrivedAt);
  if (left < 1) writeNow(ctx, status, contentType, text, extraHeaders);
  else setTimeout(writeAtDeadline, Math.floor(left), ctx, status, contentType, text, extraHeaders).unref();
}

function writeNow(ctx: Ctx, status: number, contentType: string, text: string, extraHeaders?: Record<string, string>): void {
  const res = ctx.res;
  if (res.destroyed || res.writableEnded) return;
  // The flat-array form of writeHead is the cheapest way to set headers.
  const headers: string[] = [
    'content-type', contentType,
    'content-length', String(Buffer.byteLength(text)),
    ctx.idHeader, ctx.requestId,
  ];
  if (extraHeaders) for (const k in extraHeaders) headers.push(k, extraHeaders[k]!);
  res.writeHead(status, headers);
  res.end(text);
}

/** A token limit when given as a number (validation already rejected non-integers), else undefined. */
function tokenLimit(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** Truncates `text` to `limit` code points; returns undefined when no truncation happened. */
function truncate(text: string, limit: number | undefined): string | undefined {
  if (limit === undefined || text.length <= limit) return undefined;
  const cps = Array.from(text);
  if (cps.length <= limit) return undefined;
  return cps.slice(0, limit).join('');
}

function countChars(s: string): number {
  // A crude token proxy: UTF-16 length is close enough and allocation-free.
  return s.length;
}

function normalizeAnswer(r: string | ResponderResult): ResponderResult {
  if (typeof r === 'string') return { content: r };
  if (!r || typeof r !== 'object' || typeof r.content !== 'string') {
    throw new Error('respond() must return a string or { content: string, ... }');
  }
  return r;
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function startServer(protocol: Protocol, options: StartOptions): Promise<FakeServer> {
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const record = options.recordRequests ?? true;
  const faultFn = options.fault;
  const requests: RecordedRequest[] = [];
  let requestCount = 0;

  const onBody = (req: IncomingMessage, res: ServerResponse, n: number, raw: string, arrivedAt: number): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    let body: any;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
      }
    }
    if (record) requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body: badJson ? raw : body });
    const ctx: Ctx = {
      req,
      res,
      path,
      body,
      badJson,
      emptyContent: false,
      delayMs: latencyMs,
      arrivedAt,
      requestId: 'req_' + nextId(),
      idHeader: protocol.requestIdHeader,
    };
    let fault: Fault | undefined;
    if (faultFn) {
      try {
        fault = faultFn(n, badJson ? undefined : body);
      } catch (err) {
        sendAfter(ctx, 500, protocol.errorBody(500, 'fault() threw: ' + String(err)));
        return;
      }
    }
    if (fault) {
      switch (fault.kind) {
        case 'drop':
          if (ctx.delayMs > 0) setTimeout(() => req.socket.destroy(), ctx.delayMs).unref();
          else req.socket.destroy();
          return;
        case 'status': {
          const headers: Record<string, string> = {};
          if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
          if (fault.body !== undefined) {
            const t = fault.body.trimStart();
            const ct = t.startsWith('{') || t.startsWith('[') ? JSON_TYPE : 'text/plain; charset=utf-8';
            sendRawAfter(ctx, fault.status, ct, fault.body, headers);
          } else {
            sendAfter(ctx, fault.status, protocol.errorBody(fault.status, defaultStatusMessage(fault.status)), headers);
          }
          return;
        }
        case 'invalid-json':
          sendRawAfter(ctx, 200, JSON_TYPE, protocol.brokenBody);
          return;
        case 'empty-content':
          ctx.emptyContent = true;
          break;
        case 'slow':
          ctx.delayMs += Math.max(0, fault.delayMs);
          break;
      }
    }
    try {
      protocol.handle(ctx);
    } catch (err) {
      sendAfter(ctx, 500, protocol.errorBody(500, 'fake server error: ' + (err instanceof Error ? err.message : String(err))));
    }
  };

  const server: Server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    const n = ++requestCount;
    const arrivedAt = performance.now();
    // Fast path for bodies that arrive in one chunk (the common case on loopback).
    let first: Buffer | undefined;
    let rest: Buffer[] | undefined;
    req.on('data', (chunk: Buffer) => {
      if (first === undefined) first = chunk;
      else (rest ??= [first]).push(chunk);
    });
    req.on('end', () => {
      const raw = rest ? Buffer.concat(rest).toString('utf8') : first ? first.toString('utf8') : '';
      onBody(req, res, n, raw, arrivedAt);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const host = options.host ?? '127.0.0.1';
      const urlHost = host.includes(':') ? `[${host}]` : host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${urlHost}:${port}`,
        port,
        requests,
        get requestCount() {
          return requestCount;
        },
        close() {
          closing ??= new Promise<void>((res) => {
            server.close(() => res());
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}

function defaultStatusMessage(status: number): string {
  switch (status) {
    case 400: return 'Bad request (injected fault).';
    case 401: return 'Invalid authentication (injected fault).';
    case 403: return 'Permission denied (injected fault).';
    case 404: return 'Not found (injected fault).';
    case 408: return 'Request timed out (injected fault).';
    case 413: return 'Request too large (injected fault).';
    case 429: return 'Rate limit reached for requests (injected fault).';
    case 500: return 'The server had an error while processing your request (injected fault).';
    case 502: return 'Bad gateway (injected fault).';
    case 503: return 'The engine is currently overloaded, please try again later (injected fault).';
    case 504: return 'Gateway timeout (injected fault).';
    case 529: return 'Overloaded (injected fault).';
    default: return `HTTP ${status} (injected fault).`;
  }
}

// ---------------------------------------------------------------------------------------
// OpenAI-compatible chat completions
// ---------------------------------------------------------------------------------------

function openAIErrorType(status: number): string {
  if (status === 401) return 'invalid_request_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'invalid_request_error';
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function openAIErrorCode(status: number): string | null {
  if (status === 401) return 'invalid_api_key';
  if (status === 429) return 'rate_limit_exceeded';
  return null;
}

function openAIErrorBody(status: number, message: string, param: string | null = null, code: string | null = null): string {
  return JSON.stringify({
    error: { message, type: openAIErrorType(status), param, code: code ?? openAIErrorCode(status) },
  });
}

const OPENAI_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const OPENAI_USER_PARTS = new Set(['text', 'image_url', 'input_audio', 'file']);

interface Invalid {
  message: string;
  param: string;
}

function invalid(message: string, param: string): Invalid {
  return { message, param };
}

function validateOpenAIPart(part: unknown, role: string, p: string): Invalid | undefined {
  if (!isPlainObject(part)) return invalid(`Invalid type for '${p}': expected an object.`, p);
  const type = part.type;
  if (typeof type !== 'string') return invalid(`Missing required parameter: '${p}.type'.`, `${p}.type`);
  const allowed =
    role === 'user' ? OPENAI_USER_PARTS.has(type) : role === 'assistant' ? type === 'text' || type === 'refusal' : type === 'text';
  if (!allowed) {
    return invalid(`Invalid value: '${type}'. Supported values for role '${role}' are: ${role === 'user' ? "'text', 'image_url', 'input_audio', and 'file'" : role === 'assistant' ? "'text' and 'refusal'" : "'text'"}.`, `${p}.type`);
  }
  switch (type) {
    case 'text':
      if (typeof part.text !== 'string') return invalid(`Invalid type for '${p}.text': expected a string.`, `${p}.text`);
      return undefined;
    case 'refusal':
      if (typeof part.refusal !== 'string') return invalid(`Invalid type for '${p}.refusal': expected a string.`, `${p}.refusal`);
      return undefined;
    case 'image_url': {
      const iu = part.image_url;
      if (!isPlainObject(iu)) return invalid(`Missing required parameter: '${p}.image_url'.`, `${p}.image_url`);
      const url = iu.url;
      if (typeof url !== 'string') return invalid(`Missing required parameter: '${p}.image_url.url'.`, `${p}.image_url.url`);
      if (url.startsWith('data:')) {
        const comma = url.indexOf(',');
        const meta = comma === -1 ? '' : url.slice(5, comma);
        if (comma === -1 || !meta.startsWith('image/') || !meta.endsWith(';base64') || comma === url.length - 1) {
          return invalid(`Invalid image URL: '${p}.image_url.url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,...').`, `${p}.image_url.url`);
        }
      } else if (!url.startsWith('https://') && !url.startsWith('http://')) {
        return invalid(`Invalid image URL: '${p}.image_url.url'. Expected a valid URL or a base64-encoded data URL.`, `${p}.image_url.url`);
      }
      if (iu.detail !== undefined && iu.detail !== 'auto' && iu.detail !== 'low' && iu.detail !== 'high') {
        return invalid(`Invalid value: '${String(iu.detail)}'. Supported values are: 'auto', 'low', and 'high'.`, `${p}.image_url.detail`);
      }
      return undefined;
    }
    case 'input_audio': {
      const a = part.input_audio;
      if (!isPlainObject(a) || typeof a.data !== 'string' || typeof a.format !== 'string') {
        return invalid(`Invalid '${p}.input_audio': expected { data: string, format: string }.`, `${p}.input_audio`);
      }
      return undefined;
    }
    case 'file':
      if (!isPlainObject(part.file)) return invalid(`Missing required parameter: '${p}.file'.`, `${p}.file`);
      return undefined;
  }
  return undefined;
}

function validateOpenAIRequest(body: any): Invalid | undefined {
  if (!isPlainObject(body)) return invalid('Invalid request body: expected a JSON object.', '');
  if (typeof body.model !== 'string' || body.model.length === 0) {
    return invalid('you must provide a model parameter', 'model');
  }
  const messages = body.messages;
  if (!Array.isArray(messages)) return invalid("Missing required parameter: 'messages'.", 'messages');
  if (messages.length === 0) {
    return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages');
  }
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const p = `messages[${i}]`;
    if (!isPlainObject(m)) return invalid(`Invalid type for '${p}': expected an object, but got ${typeof m} instead.`, p);
    const role = m.role;
    if (typeof role !== 'string') return invalid(`Missing required parameter: '${p}.role'.`, `${p}.role`);
    if (!OPENAI_ROLES.has(role)) {
      return invalid(`Invalid value: '${role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `${p}.role`);
    }
    const content = m.content;
    if (typeof content === 'string') {
      // ok
    } else if (Array.isArray(content)) {
      for (let j = 0; j < content.length; j++) {
        const bad = validateOpenAIPart(content[j], role, `${p}.content[${j}]`);
        if (bad) return bad;
      }
    } else if (content === null || content === undefined) {
      const toolCalls = role === 'assistant' && (Array.isArray(m.tool_calls) || isPlainObject(m.function_call));
      if (!toolCalls) return invalid(`Missing required parameter: '${p}.content'.`, `${p}.content`);
    } else {
      return invalid(`Invalid type for '${p}.content': expected one of a string or array of objects, but got ${typeof content} instead.`, `${p}.content`);
    }
    if (role === 'tool' && typeof m.tool_call_id !== 'string') {
      return invalid(`Missing required parameter: '${p}.tool_call_id'.`, `${p}.tool_call_id`);
    }
  }
  for (const key of ['max_tokens', 'max_completion_tokens'] as const) {
    const v = body[key];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
      return invalid(`Invalid '${key}': integer below minimum value. Expected a value >= 1, but got ${JSON.stringify(v)} instead.`, key);
    }
  }
  const t = body.temperature;
  if (t !== undefined && t !== null && (typeof t !== 'number' || t < 0 || t > 2)) {
    return invalid(`Invalid 'temperature': expected a number between 0 and 2, but got ${JSON.stringify(t)} instead.`, 'temperature');
  }
  const n = body.n;
  if (n !== undefined && n !== null && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 128)) {
    return invalid(`Invalid 'n': expected an integer between 1 and 128, but got ${JSON.stringify(n)} instead.`, 'n');
  }
  if (body.stream === true) {
    return invalid("Streaming ('stream': true) is not supported by the fake server.", 'stream');
  }
  return undefined;
}

function openAIPromptTokens(messages: any[]): number {
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    const c = messages[i].content;
    total += 4 + (typeof c === 'string' ? countChars(c) : countChars(contentText(c)));
  }
  return total;
}

function openAIProtocol(respond: FakeServerOptions['respond'], models: string[]): Protocol {
  const modelsJson = JSON.stringify({
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'jai-trust-fake' })),
  });
  const respondFn = respond ?? defaultRespond;
  return {
    requestIdHeader: 'x-request-id',
    errorBody: openAIErrorBody,
    brokenBody: '{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"はい、以下',
    handle(ctx) {
      const { req, path } = ctx;
      const isChat = path === '/v1/chat/completions' || path === '/chat/completions';
      const isModels = path === '/v1/models' || path === '/models';
      if (isModels) {
        if (req.method !== 'GET') return sendAfter(ctx, 405, openAIErrorBody(405, `Method ${req.method} not allowed for ${path}.`));
        return sendAfter(ctx, 200, modelsJson);
      }
      if (!isChat) {
        return sendAfter(ctx, 404, openAIErrorBody(404, `Invalid URL (${req.method} ${path})`, null, 'unknown_url'));
      }
      if (req.method !== 'POST') {
        return sendAfter(ctx, 405, openAIErrorBody(405, `Invalid method for URL (${req.method} ${path})`));
      }
      if (ctx.badJson || ctx.body === undefined) {
        return sendAfter(
          ctx,
          400,
          openAIErrorBody(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"),
        );
      }
      const body = ctx.body;
      const bad = validateOpenAIRequest(body);
      if (bad) return sendAfter(ctx, 400, openAIErrorBody(400, bad.message, bad.param || null, 'invalid_value'));

      const messages: any[] = body.messages;
      const answer = normalizeAnswer(respondFn({ model: body.model, messages, body }));
      let content = ctx.emptyContent ? '' : answer.content;
      let finish = answer.finish_reason ?? 'stop';
      const limit = tokenLimit(body.max_completion_tokens) ?? tokenLimit(body.max_tokens);
      const cut = truncate(content, limit);
      if (cut !== undefined) {
        content = cut;
        finish = 'length';
      }
      const message: Record<string, unknown> = { role: 'assistant', content };
      if (answer.reasoning_content !== undefined) message.reasoning_content = answer.reasoning_content;
      const choiceCount = typeof body.n === 'number' ? body.n : 1;
      const choices = [];
      for (let i = 0; i < choiceCount; i++) choices.push({ index: i, message, logprobs: null, finish_reason: finish });
      const promptTokens = openAIPromptTokens(messages);
      const completionTokens = (countChars(content) + (answer.reasoning_content ? countChars(answer.reasoning_content) : 0)) * choiceCount;
      const json = JSON.stringify({
        id: 'chatcmpl-' + ctx.requestId.slice(4),
        object: 'chat.completion',
        created: nowSeconds(),
        model: body.model,
        choices,
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      });
      sendAfter(ctx, 200, json);
    },
  };
}

/** OpenAI-compatible server: POST /v1/chat/completions (and /chat/completions), GET /v1/models (and /models). */
export async function startFakeOpenAIServer(options: StartOptions = {}): Promise<FakeServer> {
  return startServer(openAIProtocol(options.respond, options.models ?? ['fake-model']), options);
}

// ---------------------------------------------------------------------------------------
// Anthropic messages
// ---------------------------------------------------------------------------------------

function anthropicErrorType(status: number): string {
  switch (status) {
    case 400: return 'invalid_request_error';
    case 401: return 'authentication_error';
    case 402: return 'billing_error';
    case 403: return 'permission_error';
    case 404: return 'not_found_error';
    case 405: return 'invalid_request_error';
    case 413: return 'request_too_large';
    case 429: return 'rate_limit_error';
    case 504: return 'timeout_error';
    case 529: return 'overloaded_error';
    default: return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

function anthropicErrorBody(status: number, message: string): string {
  return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(status), message } });
}

const ANTHROPIC_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function validateAnthropicBlock(block: unknown, p: string, allowImages: boolean): string | undefined {
  if (!isPlainObject(block)) return `${p}: Input should be a valid dictionary or object`;
  const type = block.type;
  switch (type) {
    case 'text':
      if (typeof block.text !== 'string') return `${p}.text: Field required`;
      return undefined;
    case 'image': {
      if (!allowImages) return `${p}.type: Input tag 'image' is not allowed here`;
      const src = block.source;
      if (!isPlainObject(src)) return `${p}.source: Field required`;
      if (src.type === 'base64') {
        if (typeof src.media_type !== 'string') return `${p}.source.base64.media_type: Field required`;
        if (!ANTHROPIC_MEDIA_TYPES.has(src.media_type)) {
          return `${p}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
        }
        if (typeof src.data !== 'string') return `${p}.source.base64.data: Field required`;
        if (src.data.length === 0 || src.data.length % 4 !== 0 || !BASE64_RE.test(src.data)) {
          return `${p}.source.base64.data: The image data is not valid base64`;
        }
        return undefined;
      }
      if (src.type === 'url') {
        if (typeof src.url !== 'string' || !/^https?:\/\//.test(src.url)) return `${p}.source.url.url: Field required`;
        return undefined;
      }
      return `${p}.source: Input tag '${String(src.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url'`;
    }
    case 'document':
      if (!allowImages) return `${p}.type: Input tag 'document' is not allowed here`;
      if (!isPlainObject(block.source)) return `${p}.source: Field required`;
      return undefined;
    case 'tool_use':
      if (typeof block.id !== 'string' || typeof block.name !== 'string' || !isPlainObject(block.input)) {
        return `${p}: tool_use blocks require id, name and input`;
      }
      return undefined;
    case 'tool_result':
      if (typeof block.tool_use_id !== 'string') return `${p}.tool_use_id: Field required`;
      return undefined;
    case 'thinking':
      if (typeof block.thinking !== 'string' || typeof block.signature !== 'string') return `${p}: thinking blocks require thinking and signature`;
      return undefined;
    case 'redacted_thinking':
      if (typeof block.data !== 'string') return `${p}.data: Field required`;
      return undefined;
    default:
      return `${p}: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: 'text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'`;
  }
}

function validateAnthropicRequest(body: any): string | undefined {
  if (!isPlainObject(body)) return 'Input should be a valid dictionary or object';
  if (typeof body.model !== 'string' || body.model.length === 0) return 'model: Field required';
  const mt = body.max_tokens;
  if (mt === undefined) return 'max_tokens: Field required';
  if (typeof mt !== 'number' || !Number.isInteger(mt) || mt < 1) return 'max_tokens: Input should be a valid integer greater than or equal to 1';
  const messages = body.messages;
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages)) return 'messages: Input should be a valid list';
  if (messages.length === 0) return 'messages: at least one message is required';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const p = `messages.${i}`;
    if (!isPlainObject(m)) return `${p}: Input should be a valid dictionary or object`;
    if (m.role === 'system') {
      return `${p}: Unexpected role "system". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`;
    }
    if (m.role !== 'user' && m.role !== 'assistant') return `${p}.role: Input should be 'user' or 'assistant'`;
    const content = m.content;
    if (typeof content === 'string') continue;
    if (!Array.isArray(content)) return `${p}.content: Input should be a valid string or list of content blocks`;
    for (let j = 0; j < content.length; j++) {
      const bad = validateAnthropicBlock(content[j], `${p}.content.${j}`, true);
      if (bad) return bad;
    }
  }
  const sys = body.system;
  if (sys !== undefined && typeof sys !== 'string') {
    if (!Array.isArray(sys)) return 'system: Input should be a valid string or list of text blocks';
    for (let j = 0; j < sys.length; j++) {
      const b = sys[j];
      if (!isPlainObject(b) || b.type !== 'text' || typeof b.text !== 'string') return `system.${j}: Input should be a text block`;
    }
  }
  const t = body.temperature;
  if (t !== undefined && (typeof t !== 'number' || t < 0 || t > 1)) return 'temperature: Input should be less than or equal to 1';
  if (body.stream === true) return 'stream: streaming is not supported by the fake server';
  return undefined;
}

function anthropicInputTokens(body: any): number {
  let total = typeof body.system === 'string' ? countChars(body.system) : countChars(contentText(body.system));
  const messages: any[] = body.messages;
  for (let i = 0; i < messages.length; i++) {
    const c = messages[i].content;
    total += 4 + (typeof c === 'string' ? countChars(c) : countChars(contentText(c)));
  }
  return total;
}

function anthropicStopReason(finish: string | undefined): string {
  if (finish === undefined || finish === 'stop') return 'end_turn';
  if (finish === 'length') return 'max_tokens';
  return finish;
}

const FAKE_SIGNATURE = 'RmFrZVNpZ25hdHVyZUZvclRlc3RpbmdPbmx5';

function anthropicProtocol(respond: FakeServerOptions['respond'], models: string[]): Protocol {
  const respondFn = respond ?? defaultRespond;
  const modelsJson = JSON.stringify({
    data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models[models.length - 1] ?? null,
  });
  return {
    requestIdHeader: 'request-id',
    errorBody: anthropicErrorBody,
    brokenBody: '{"id":"msg_broken","type":"message","role":"assistant","content":[{"type":"text","text":"はい、以下',
    handle(ctx) {
      const { req, path } = ctx;
      const isMessages = path === '/v1/messages';
      const isModels = path === '/v1/models';
      if (!isMessages && !isModels) return sendAfter(ctx, 404, anthropicErrorBody(404, `Not found: ${req.method} ${path}`));
      const key = req.headers['x-api-key'];
      if (typeof key !== 'string' || key.length === 0) {
        return sendAfter(ctx, 401, anthropicErrorBody(401, 'x-api-key header is required'));
      }
      const version = req.headers['anthropic-version'];
      if (typeof version !== 'string' || version.length === 0) {
        return sendAfter(ctx, 401, anthropicErrorBody(401, 'anthropic-version: header is required'));
      }
      if (isModels) {
        if (req.method !== 'GET') return sendAfter(ctx, 405, anthropicErrorBody(405, `Method ${req.method} not allowed`));
        return sendAfter(ctx, 200, modelsJson);
      }
      if (req.method !== 'POST') return sendAfter(ctx, 405, anthropicErrorBody(405, `Method ${req.method} not allowed`));
      if (ctx.badJson || ctx.body === undefined) {
        return sendAfter(ctx, 400, anthropicErrorBody(400, 'There was an error parsing the body of your request: expected a JSON object.'));
      }
      const body = ctx.body;
      const bad = validateAnthropicRequest(body);
      if (bad) return sendAfter(ctx, 400, anthropicErrorBody(400, bad));

      const answer = normalizeAnswer(respondFn({ model: body.model, messages: body.messages, body }));
      let text = ctx.emptyContent ? '' : answer.content;
      let stop = anthropicStopReason(answer.finish_reason);
      const cut = truncate(text, body.max_tokens);
      if (cut !== undefined) {
        text = cut;
        stop = 'max_tokens';
      }
      const content: unknown[] = [];
      if (answer.reasoning_content !== undefined) {
        content.push({ type: 'thinking', thinking: answer.reasoning_content, signature: FAKE_SIGNATURE });
      }
      content.push({ type: 'text', text });
      const json = JSON.stringify({
        id: 'msg_' + ctx.requestId.slice(4),
        type: 'message',
        role: 'assistant',
        model: body.model,
        content,
        stop_reason: stop,
        stop_sequence: null,
        usage: {
          input_tokens: anthropicInputTokens(body),
          output_tokens: countChars(text) + (answer.reasoning_content ? countChars(answer.reasoning_content) : 0),
        },
      });
      sendAfter(ctx, 200, json);
    },
  };
}

/**
 * Anthropic messages server: POST /v1/messages (and GET /v1/models). Requires the `x-api-key` and
 * `anthropic-version` headers (401 authentication_error otherwise) and `max_tokens` in the body.
 */
export async function startFakeAnthropicServer(options: StartOptions = {}): Promise<FakeServer> {
  return startServer(anthropicProtocol(options.respond, options.models ?? ['fake-model']), options);
}

/** Error bodies in each protocol's shape, for tests that script `{ kind: 'status', body }` faults. */
export { openAIErrorBody, anthropicErrorBody };
