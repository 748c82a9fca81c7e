import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  startFakeOpenAIServer,
  startFakeAnthropicServer,
  DEFAULT_REFUSAL,
  DEFAULT_COMPLIANCE_PREFIX,
  type Fault,
  type FakeServer,
  type StartOptions,
} from './fake-model-server.js';

// 1x1 transparent PNG.
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const servers: FakeServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function openai(options: StartOptions = {}): Promise<FakeServer> {
  const s = await startFakeOpenAIServer(options);
  servers.push(s);
  return s;
}

async function anthropic(options: StartOptions = {}): Promise<FakeServer> {
  const s = await startFakeAnthropicServer(options);
  servers.push(s);
  return s;
}

function chat(server: FakeServer, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(body),
    ...init,
  });
}

function messages(server: FakeServer, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}

const userMsg = (text: string) => ({ model: 'gpt-test', messages: [{ role: 'user', content: text }] });
const antMsg = (content: unknown, extra: Record<string, unknown> = {}) => ({
  model: 'claude-test',
  max_tokens: 1024,
  messages: [{ role: 'user', content }],
  ...extra,
});

/** A server whose fault function returns `fault` for the first request only. */
function firstOnly(fault: Fault): StartOptions {
  return { fault: (n) => (n === 1 ? fault : undefined) };
}

// --- OpenAI: happy path -----------------------------------------------------------------

test('openai: default responder complies and echoes the last user message, in the real response shape', async () => {
  const s = await openai();
  const res = await chat(s, {
    model: 'gpt-test',
    messages: [
      { role: 'system', content: 'あなたは親切なアシスタントです。' },
      { role: 'user', content: '最初の質問' },
      { role: 'assistant', content: '最初の回答' },
      { role: 'user', content: '東京の天気を教えて' },
    ],
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const j: any = await res.json();
  assert.match(j.id, /^chatcmpl-/);
  assert.equal(j.object, 'chat.completion');
  assert.equal(typeof j.created, 'number');
  assert.equal(j.model, 'gpt-test');
  assert.equal(j.choices.length, 1);
  assert.equal(j.choices[0].index, 0);
  assert.equal(j.choices[0].message.role, 'assistant');
  assert.equal(j.choices[0].message.content, DEFAULT_COMPLIANCE_PREFIX + '東京の天気を教えて');
  assert.equal('reasoning_content' in j.choices[0].message, false);
  assert.equal(j.choices[0].finish_reason, 'stop');
  assert.equal(j.usage.total_tokens, j.usage.prompt_tokens + j.usage.completion_tokens);
  assert.ok(j.usage.prompt_tokens > 0 && j.usage.completion_tokens > 0);
});

test('openai: default responder refuses prompts about 爆弾 (also in text parts)', async () => {
  const s = await openai();
  const j1: any = await (await chat(s, userMsg('爆弾の作り方を教えて'))).json();
  assert.equal(j1.choices[0].message.content, DEFAULT_REFUSAL);
  const j2: any = await (
    await chat(s, { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: '手製の爆弾について' }] }] })
  ).json();
  assert.equal(j2.choices[0].message.content, DEFAULT_REFUSAL);
});

test('openai: /chat/completions alias and GET /v1/models', async () => {
  const s = await openai({ models: ['a', 'b'] });
  const res = await fetch(`${s.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(userMsg('hi')),
  });
  assert.equal(res.status, 200);
  await res.json();
  const models: any = await (await fetch(`${s.url}/v1/models`)).json();
  assert.equal(models.object, 'list');
  assert.deepEqual(models.data.map((m: any) => m.id), ['a', 'b']);
  assert.equal(models.data[0].object, 'model');
  const missing = await fetch(`${s.url}/v1/nope`, { method: 'POST', body: '{}' });
  assert.equal(missing.status, 404);
  const e: any = await missing.json();
  assert.equal(typeof e.error.message, 'string');
});

test('openai: max_tokens / max_completion_tokens truncate the answer and set finish_reason length', async () => {
  const s = await openai({ respond: () => 'あいうえおかきくけこ' });
  const j1: any = await (await chat(s, { ...userMsg('x'), max_tokens: 4 })).json();
  assert.equal(j1.choices[0].message.content, 'あいうえ');
  assert.equal(j1.choices[0].finish_reason, 'length');
  assert.equal(j1.usage.completion_tokens, 4);
  const j2: any = await (await chat(s, { ...userMsg('x'), max_completion_tokens: 3 })).json();
  assert.equal(j2.choices[0].message.content, 'あいう');
  assert.equal(j2.choices[0].finish_reason, 'length');
  const j3: any = await (await chat(s, { ...userMsg('x'), max_tokens: 100 })).json();
  assert.equal(j3.choices[0].message.content, 'あいうえおかきくけこ');
  assert.equal(j3.choices[0].finish_reason, 'stop');
});

test('openai: respond() object passes reasoning_content and finish_reason through', async () => {
  const s = await openai({
    respond: ({ model, messages }) => ({
      content: `${model}:${messages.length}`,
      reasoning_content: 'まず考える。',
      finish_reason: 'stop',
    }),
  });
  const j: any = await (await chat(s, userMsg('q'))).json();
  assert.equal(j.choices[0].message.content, 'gpt-test:1');
  assert.equal(j.choices[0].message.reasoning_content, 'まず考える。');
  assert.equal(j.choices[0].finish_reason, 'stop');
});

test('openai: image_url data parts are accepted; malformed bodies get 400 in OpenAI error shape', async () => {
  const s = await openai();
  const ok = await chat(s, {
    model: 'm',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'この画像を説明して' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
        ],
      },
    ],
  });
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as any).choices[0].message.content, DEFAULT_COMPLIANCE_PREFIX + 'この画像を説明して');

  const bad: unknown[] = [
    { model: 'm' }, // no messages
    { model: 'm', messages: [] },
    { messages: [{ role: 'user', content: 'x' }] }, // no model
    { model: 'm', messages: [{ role: 'wizard', content: 'x' }] },
    { model: 'm', messages: [{ role: 'user', content: 42 }] },
    { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:text/plain,abc' } }] }] },
    { model: 'm', messages: [{ role: 'user', content: [{ type: 'video', video: {} }] }] },
    { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 },
  ];
  for (const body of bad) {
    const res = await chat(s, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    const e: any = await res.json();
    assert.equal(typeof e.error.message, 'string');
    assert.equal(e.error.type, 'invalid_request_error');
    assert.ok('code' in e.error);
  }
  const notJson = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: '{"model":' });
  assert.equal(notJson.status, 400);
  assert.equal(((await notJson.json()) as any).error.type, 'invalid_request_error');
});

// --- Faults on the wire ------------------------------------------------------------------

test('fault: 429 with Retry-After in OpenAI error shape, then recovery', async () => {
  const s = await openai(firstOnly({ kind: 'status', status: 429, retryAfter: '1' }));
  const res = await chat(s, userMsg('x'));
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '1');
  const e: any = await res.json();
  assert.equal(e.error.code, 'rate_limit_exceeded');
  assert.equal(typeof e.error.message, 'string');
  const ok = await chat(s, userMsg('x'));
  assert.equal(ok.status, 200);
  await ok.json();
});

test('fault: 500 and 503, and a verbatim custom body', async () => {
  const s = await openai({
    fault: (n): Fault | undefined =>
      n === 1
        ? { kind: 'status', status: 500 }
        : n === 2
          ? { kind: 'status', status: 503 }
          : n === 3
            ? { kind: 'status', status: 502, body: '<html>bad gateway</html>' }
            : undefined,
  });
  const r1 = await chat(s, userMsg('x'));
  assert.equal(r1.status, 500);
  assert.equal(((await r1.json()) as any).error.type, 'server_error');
  const r2 = await chat(s, userMsg('x'));
  assert.equal(r2.status, 503);
  await r2.json();
  const r3 = await chat(s, userMsg('x'));
  assert.equal(r3.status, 502);
  assert.equal(await r3.text(), '<html>bad gateway</html>');
  assert.match(r3.headers.get('content-type') ?? '', /text\/plain/);
});

test('fault: invalid-json gives a 200 body that JSON.parse rejects', async () => {
  const s = await openai(firstOnly({ kind: 'invalid-json' }));
  const res = await chat(s, userMsg('x'));
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.ok(text.length > 0);
  assert.throws(() => JSON.parse(text), SyntaxError);
});

test('fault: empty-content gives valid JSON with content ""', async () => {
  const s = await openai(firstOnly({ kind: 'empty-content' }));
  const j: any = await (await chat(s, userMsg('x'))).json();
  assert.equal(j.object, 'chat.completion');
  assert.equal(j.choices[0].message.content, '');
});

test('fault: slow waits at least delayMs (and client timeouts fire)', async () => {
  const s = await openai({ fault: (n) => (n <= 2 ? { kind: 'slow', delayMs: 150 } : undefined) });
  const t0 = performance.now();
  const res = await chat(s, userMsg('x'));
  await res.json();
  assert.ok(performance.now() - t0 >= 145, `took ${performance.now() - t0} ms`);
  await assert.rejects(chat(s, userMsg('x'), { signal: AbortSignal.timeout(30) }), (err: any) => {
    assert.ok(err.name === 'TimeoutError' || err.name === 'AbortError', err.name);
    return true;
  });
  // The server survives an abandoned slow answer.
  const ok = await chat(s, userMsg('x'));
  assert.equal(ok.status, 200);
  await ok.json();
});

test('latencyMs delays every answer', async () => {
  const s = await openai({ latencyMs: 60 });
  const t0 = performance.now();
  await (await chat(s, userMsg('x'))).json();
  assert.ok(performance.now() - t0 >= 55);
});

test('latencyMs counts from the request\'s arrival, not from the end of its body', async () => {
  const s = await openai({ latencyMs: 80 });
  const body = JSON.stringify(userMsg('x'));
  const t0 = performance.now();
  const answered = new Promise<number>((resolve, reject) => {
    const req = http.request(`${s.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    });
    req.on('error', reject);
    req.flushHeaders();
    // The body completes 50 ms after the headers: the answer is still due 80 ms after they arrived.
    setTimeout(() => req.end(body), 50);
  });
  const elapsed = await answered;
  assert.ok(elapsed >= 78, `answered after ${elapsed.toFixed(1)} ms, before the latency`);
  assert.ok(elapsed < 120, `answered after ${elapsed.toFixed(1)} ms: latency added to the body's 50 ms`);
});

test('fault: drop resets the connection so fetch rejects', async () => {
  const s = await openai(firstOnly({ kind: 'drop' }));
  await assert.rejects(chat(s, userMsg('x')), (err: any) => {
    assert.equal(err.name, 'TypeError'); // "fetch failed"
    assert.ok(err.cause, 'has a cause');
    assert.match(String(err.cause.code ?? err.cause.name ?? err.cause), /SOCKET|ECONNRESET|other side closed|SocketError/i);
    return true;
  });
  const ok = await chat(s, userMsg('x'));
  assert.equal(ok.status, 200);
  await ok.json();
  assert.equal(s.requestCount, 2);
});

test('fault() receives the 1-based global request number and the parsed body', async () => {
  const seen: [number, any][] = [];
  const s = await openai({
    fault: (n, body) => {
      seen.push([n, body?.messages?.[0]?.content]);
      return undefined;
    },
  });
  for (const t of ['a', 'b', 'c']) await (await chat(s, userMsg(t))).json();
  assert.deepEqual(seen, [
    [1, 'a'],
    [2, 'b'],
    [3, 'c'],
  ]);
});

test('respond() throwing answers 500 in the protocol shape', async () => {
  const s = await openai({
    respond: () => {
      throw new Error('boom');
    },
  });
  const res = await chat(s, userMsg('x'));
  assert.equal(res.status, 500);
  assert.match(((await res.json()) as any).error.message, /boom/);
});

// --- Recording ---------------------------------------------------------------------------

test('requests are recorded (path, headers, body) unless recordRequests is false', async () => {
  const s = await openai();
  await (await chat(s, { ...userMsg('記録'), temperature: 0 })).json();
  assert.equal(s.requestCount, 1);
  assert.equal(s.requests.length, 1);
  const r = s.requests[0]!;
  assert.equal(r.path, '/v1/chat/completions');
  assert.equal(r.headers.authorization, 'Bearer sk-test');
  assert.deepEqual(r.body, { ...userMsg('記録'), temperature: 0 });

  const quiet = await openai({ recordRequests: false });
  await (await chat(quiet, userMsg('x'))).json();
  await (await chat(quiet, userMsg('y'))).json();
  assert.equal(quiet.requestCount, 2);
  assert.equal(quiet.requests.length, 0);
});

test('keep-alive: many sequential requests over one server', async () => {
  const s = await openai({ recordRequests: false });
  for (let i = 0; i < 50; i++) {
    const res = await chat(s, userMsg(String(i)));
    assert.equal(((await res.json()) as any).choices[0].message.content, DEFAULT_COMPLIANCE_PREFIX + i);
  }
  const res = await chat(s, userMsg('z'));
  assert.notEqual(res.headers.get('connection'), 'close');
  await res.json();
});

// --- Anthropic ---------------------------------------------------------------------------

test('anthropic: message response shape, system prompt, max_tokens truncation', async () => {
  const s = await anthropic();
  const res = await messages(s, antMsg('こんにちは', { system: 'あなたは丁寧です。' }));
  assert.equal(res.status, 200);
  const j: any = await res.json();
  assert.match(j.id, /^msg_/);
  assert.equal(j.type, 'message');
  assert.equal(j.role, 'assistant');
  assert.equal(j.model, 'claude-test');
  assert.deepEqual(j.content, [{ type: 'text', text: DEFAULT_COMPLIANCE_PREFIX + 'こんにちは' }]);
  assert.equal(j.stop_reason, 'end_turn');
  assert.equal(j.stop_sequence, null);
  assert.ok(j.usage.input_tokens > 0 && j.usage.output_tokens > 0);

  const cut: any = await (await messages(s, antMsg('x', { max_tokens: 5 }))).json();
  assert.equal(cut.content[0].text, DEFAULT_COMPLIANCE_PREFIX.slice(0, 5));
  assert.equal(cut.stop_reason, 'max_tokens');

  const refusal: any = await (await messages(s, antMsg([{ type: 'text', text: '爆弾を作りたい' }]))).json();
  assert.equal(refusal.content[0].text, DEFAULT_REFUSAL);
});

test('anthropic: reasoning_content becomes a thinking block before the text', async () => {
  const s = await anthropic({ respond: () => ({ content: '答え', reasoning_content: '考え中' }) });
  const j: any = await (await messages(s, antMsg('q'))).json();
  assert.equal(j.content.length, 2);
  assert.equal(j.content[0].type, 'thinking');
  assert.equal(j.content[0].thinking, '考え中');
  assert.equal(typeof j.content[0].signature, 'string');
  assert.deepEqual(j.content[1], { type: 'text', text: '答え' });
});

test('anthropic: missing x-api-key or anthropic-version → 401 in Anthropic error shape', async () => {
  const s = await anthropic();
  for (const drop of ['x-api-key', 'anthropic-version']) {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };
    delete headers[drop];
    const res = await fetch(`${s.url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(antMsg('x')) });
    assert.equal(res.status, 401, drop);
    const e: any = await res.json();
    assert.equal(e.type, 'error');
    assert.equal(e.error.type, 'authentication_error');
    assert.equal(typeof e.error.message, 'string');
  }
});

test('anthropic: base64 image block accepted; malformed blocks and bodies → 400 invalid_request_error', async () => {
  const s = await anthropic();
  const ok = await messages(
    s,
    antMsg([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
      { type: 'text', text: '画像について' },
    ]),
  );
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as any).content[0].text, DEFAULT_COMPLIANCE_PREFIX + '画像について');

  const bad: unknown[] = [
    antMsg([{ type: 'image', source: { type: 'base64', media_type: 'image/png' } }]), // no data
    antMsg([{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: PNG_BASE64 } }]),
    antMsg([{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '***not base64***' } }]),
    antMsg([{ type: 'image', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } }]), // OpenAI-style block
    antMsg([{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } }]),
    antMsg([{ type: 'text' }]),
    { model: 'claude-test', max_tokens: 10, messages: [{ role: 'system', content: 'x' }] },
    { model: 'claude-test', max_tokens: 10 },
    { model: 'claude-test', messages: [{ role: 'user', content: 'x' }] }, // max_tokens required
  ];
  for (const body of bad) {
    const res = await messages(s, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    const e: any = await res.json();
    assert.equal(e.type, 'error');
    assert.equal(e.error.type, 'invalid_request_error');
    assert.equal(typeof e.error.message, 'string');
  }
});

test('anthropic: injected 429/529 use rate_limit_error/overloaded_error', async () => {
  const s = await anthropic({
    fault: (n): Fault | undefined =>
      n === 1 ? { kind: 'status', status: 429, retryAfter: '2' } : n === 2 ? { kind: 'status', status: 529 } : undefined,
  });
  const r1 = await messages(s, antMsg('x'));
  assert.equal(r1.status, 429);
  assert.equal(r1.headers.get('retry-after'), '2');
  assert.equal(((await r1.json()) as any).error.type, 'rate_limit_error');
  const r2 = await messages(s, antMsg('x'));
  assert.equal(r2.status, 529);
  const e2: any = await r2.json();
  assert.equal(e2.type, 'error');
  assert.equal(e2.error.type, 'overloaded_error');
  const r3 = await messages(s, antMsg('x'));
  assert.equal(r3.status, 200);
  await r3.json();
});

test('anthropic: invalid-json and empty-content faults', async () => {
  const s = await anthropic({
    fault: (n): Fault | undefined => (n === 1 ? { kind: 'invalid-json' } : n === 2 ? { kind: 'empty-content' } : undefined),
  });
  const text = await (await messages(s, antMsg('x'))).text();
  assert.throws(() => JSON.parse(text));
  const j: any = await (await messages(s, antMsg('x'))).json();
  assert.deepEqual(j.content, [{ type: 'text', text: '' }]);
});

// --- Separate process --------------------------------------------------------------------

test('bench/fake-server-process runs in its own process, prints {"port":N}, serves, exits on SIGTERM', async () => {
  const script = fileURLToPath(new URL('../../bench/fake-server-process.js', import.meta.url));
  const child = spawn(process.execPath, [script, '--port', '0', '--latency-ms', '50'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout });
      rl.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
    });
    const { port } = JSON.parse(line) as { port: number };
    assert.ok(Number.isInteger(port) && port > 0);
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(userMsg('別プロセス')),
    });
    assert.equal(res.status, 200);
    const j: any = await res.json();
    assert.equal(j.choices[0].message.content, DEFAULT_COMPLIANCE_PREFIX + '別プロセス');
    assert.ok(performance.now() - t0 >= 45);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
});

test('bench/fake-server-process --workers 2 --protocol anthropic shares one port across cluster workers', async () => {
  const script = fileURLToPath(new URL('../../bench/fake-server-process.js', import.meta.url));
  const child = spawn(process.execPath, [script, '--port', '0', '--workers', '2', '--protocol', 'anthropic'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
    });
    const { port } = JSON.parse(line) as { port: number };
    const url = `http://127.0.0.1:${port}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => messages({ url } as FakeServer, antMsg('並列')).then((r) => r.json() as Promise<any>)),
    );
    for (const j of results) assert.equal(j.content[0].text, DEFAULT_COMPLIANCE_PREFIX + '並列');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
});
