/**
 * The benchmark's reference: a minimal OpenAI-compatible client with a fixed concurrency and
 * nothing else (no store, no evaluators, no retries, no cache). It sends one chat-completions
 * request per suite item, with the same body `jai-trust run` sends ({model, messages}), reads
 * and JSON-parses each answer, and counts.
 *
 *   node dist/bench/raw-client.js --base-url http://127.0.0.1:PORT/v1 --suite items.jsonl \
 *        --concurrency 64 [--model bench-model] [--client undici|http] [--limit N] [--busy-us N]
 *
 * --busy-us N keeps the main thread busy N µs after each answer, before that worker's next request
 * (a crude stand-in for an evaluation harness's per-item work), to see how per-item main-thread
 * work alone moves throughput at a given latency. The bench does not use it.
 *
 * Prints one JSON line on stdout: {items, errors, ms, cpu_s, items_per_s, max_rss_mb, client}
 * (cpu_s: this process's CPU time over the measured window).
 * `ms` runs from the first request to the last answer; reading the suite file (all lines, before
 * the clock starts) is outside it, so this reference is, if anything, a little too fast.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

interface Options {
  baseUrl: URL;
  suite: string;
  concurrency: number;
  model: string;
  client: 'undici' | 'dispatch' | 'http';
  limit: number;
  /** Burn this much CPU (busy loop) after each answer: a stand-in for per-item processing. */
  busyUs: number;
}

type Post = (body: string) => Promise<string>;

function undiciPost(o: Options): { post: Post; close: () => Promise<void> } {
  const pool = new Pool(o.baseUrl.origin, { connections: o.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const path = o.baseUrl.pathname.replace(/\/+$/, '') + '/chat/completions';
  return {
    post: async (body) => {
      const res = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      return text;
    },
    close: () => pool.close(),
  };
}

/** undici's lowest-level API: a handler object instead of a response stream per request. */
function dispatchPost(o: Options): { post: Post; close: () => Promise<void> } {
  const pool = new Pool(o.baseUrl.origin, { connections: o.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const path = o.baseUrl.pathname.replace(/\/+$/, '') + '/chat/completions';
  const origin = o.baseUrl.origin;
  return {
    post: (body) =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let status = 0;
        pool.dispatch(
          { origin, path, method: 'POST', headers: { 'content-type': 'application/json' }, body },
          {
            onRequestStart() {},
            onResponseStart(_c, statusCode) {
              status = statusCode;
            },
            onResponseData(_c, chunk) {
              chunks.push(chunk);
            },
            onResponseEnd() {
              if (status !== 200) reject(new Error(`HTTP ${status}`));
              else resolve(Buffer.concat(chunks).toString('utf8'));
            },
            onResponseError(_c, error) {
              reject(error);
            },
          },
        );
      }),
    close: () => pool.close(),
  };
}

function httpPost(o: Options): { post: Post; close: () => Promise<void> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const path = o.baseUrl.pathname.replace(/\/+$/, '') + '/chat/completions';
  return {
    post: (body) =>
      new Promise<string>((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: o.baseUrl.hostname,
            port: o.baseUrl.port,
            path,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
              else resolve(Buffer.concat(chunks).toString('utf8'));
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
    close: async () => agent.destroy(),
  };
}

export async function runRawClient(o: Options): Promise<{ items: number; errors: number; ms: number; cpu_s: number }> {
  const lines = readFileSync(o.suite, 'utf8').split('\n').filter((l) => l.length > 0);
  const n = Math.min(lines.length, o.limit);
  const { post, close } = o.client === 'http' ? httpPost(o) : o.client === 'dispatch' ? dispatchPost(o) : undiciPost(o);
  let next = 0;
  let done = 0;
  let errors = 0;
  const busy = (): void => {
    const until = performance.now() + o.busyUs / 1000;
    while (performance.now() < until);
  };
  const worker = async (): Promise<void> => {
    while (next < n) {
      const item = JSON.parse(lines[next++]!) as { prompt: string };
      const body = JSON.stringify({ model: o.model, messages: [{ role: 'user', content: item.prompt }] });
      try {
        const json = JSON.parse(await post(body)) as { choices?: { message?: { content?: unknown } }[] };
        if (typeof json.choices?.[0]?.message?.content !== 'string') throw new Error('no content');
        if (o.busyUs > 0) busy();
        done++;
      } catch {
        errors++;
      }
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.min(o.concurrency, n) }, worker));
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await close();
  return { items: done, errors, ms, cpu_s: (used.user + used.system) / 1e6 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'base-url': { type: 'string' },
      suite: { type: 'string' },
      concurrency: { type: 'string', default: '64' },
      model: { type: 'string', default: 'bench-model' },
      client: { type: 'string', default: 'undici' },
      limit: { type: 'string' },
      'busy-us': { type: 'string', default: '0' },
    },
    strict: true,
  });
  if (!values['base-url'] || !values.suite) throw new Error('--base-url and --suite are required');
  const client = values.client === 'http' || values.client === 'undici' || values.client === 'dispatch' ? values.client : undefined;
  if (!client) throw new Error(`--client must be undici, dispatch or http, got ${values.client}`);
  const o: Options = {
    baseUrl: new URL(values['base-url']),
    suite: values.suite,
    concurrency: Number(values.concurrency),
    model: values.model!,
    client,
    limit: values.limit ? Number(values.limit) : Infinity,
    busyUs: Number(values['busy-us']),
  };
  const r = await runRawClient(o);
  process.stdout.write(
    JSON.stringify({ ...r, items_per_s: (r.items + r.errors) / (r.ms / 1000), max_rss_mb: process.resourceUsage().maxRSS / 1024, client }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`raw-client: ${(e as Error).message}\n`);
  process.exit(1);
});
