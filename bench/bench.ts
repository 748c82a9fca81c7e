/**
 * `npm run bench`: throughput and memory of `jai-trust run` against a raw HTTP client.
 *
 * For each latency (0 ms and 50 ms) it starts the fake OpenAI-compatible server
 * (bench/fake-server-process) in its own process on 127.0.0.1 and, for each suite size, measures
 *   1. the raw client (bench/raw-client): the same requests at the same concurrency, nothing else;
 *   2. `jai-trust run` (default evaluators: refusal-ja, answer, refusal-proxy; SQLite store;
 *      outputs results.jsonl, summary.json, report.html) as a child process, with a tiny preload
 *      hook that timestamps the phases and reports the peak RSS;
 *   3. the same command again with the same store: every answer comes from the response cache.
 * Small scenarios are repeated (raw, first, cached interleaved) and the median is reported; the
 * machine's load average is printed, because other work on the machine moves these figures.
 * Results: a table on stdout and bench/results/latest.json. It exits 0 even when a target is
 * missed (a benchmark measures; it is not a test) but prints MISSED.
 *
 * Options (npm run bench -- <options>):
 *   --concurrency N      requests in flight, raw client and jai-trust (default 64)
 *   --sizes A,B          suite sizes at 0 ms (default 5000,50000)
 *   --sizes-50 A,B       suite sizes at other latencies (default 5000, plus 50000 when the budget allows)
 *   --budget-s N         measure 50,000 items at 50 ms only if the bench should still end within N s (default 360)
 *   --latencies A,B      latencies in ms (default 0,50)
 *   --reps N             repetitions per scenario, medians reported (default 3 up to 10,000 items, else 1)
 *   --server-workers N   fake server processes (default 1)
 *   --raw-client C       undici (default: pool.request), dispatch (undici's handler API, as jai-trust uses) or http
 *   --cpu-prof           also profile one jai-trust run at the first of --latencies (.cpuprofile kept in a temporary directory)
 *   --keep               keep the temporary directory (suites, stores, outputs)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeSuite } from './make-suite.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = resolve(here, '..', '..');
const BUILT_CLI = join(root, 'dist', 'src', 'cli', 'main.js');
/** The CLI the bench runs: a snapshot of dist/src (see snapshotCli). */
let CLI = BUILT_CLI;
const SERVER = join(here, 'fake-server-process.js');
const RAW = join(here, 'raw-client.js');
const RESULTS_DIR = join(root, 'bench', 'results');
const MODEL = 'bench-model';
const CHILD_TIMEOUT_MS = 10 * 60_000;

// ---------------------------------------------------------------------------------------
// Child processes: every one is tracked and killed on exit, error or signal.
// ---------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function killAll(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}
/** The temporary directory, removed on exit (also after a signal or a failure) unless --keep. */
let tmpToRemove: string | undefined;

process.on('exit', () => {
  killAll();
  if (tmpToRemove) rmSync(tmpToRemove, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  spawnedAt: number;
  exitedAt: number;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Runs a child to completion (bounded by CHILD_TIMEOUT_MS), collecting its output. */
function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = root): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    const spawnedAt = now();
    const child = track(spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: timed out after ${CHILD_TIMEOUT_MS / 1000} s`));
    }, CHILD_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, spawnedAt, exitedAt: now() });
    });
  });
}

interface Server {
  port: number;
  /** CPU seconds the server has used so far (Linux /proc; NaN elsewhere). Sums its workers. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function startServer(latencyMs: number, workers: number): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const child = track(
      spawn(process.execPath, [SERVER, '--port', '0', '--host', '127.0.0.1', '--latency-ms', String(latencyMs), '--workers', String(workers)], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    let buf = '';
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('fake server did not start within 15 s'));
    }, 15_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake server exited early (${code})`));
    });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (started) return;
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl === -1) return;
      started = true;
      clearTimeout(timer);
      const { port } = JSON.parse(buf.slice(0, nl)) as { port: number };
      resolvePromise({
        port,
        cpuSeconds: () => procCpuSeconds(child.pid!),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

const CLK_TCK = 100; // USER_HZ on Linux

/** utime+stime of a process and its live children (cluster workers), from /proc; NaN when unavailable. */
function procCpuSeconds(pid: number): number {
  try {
    let ticks = 0;
    const pids = [pid];
    try {
      const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (kids) pids.push(...kids.split(/\s+/).map(Number));
    } catch {
      /* no children file: single process */
    }
    for (const p of pids) {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    }
    return ticks / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** The checkout measured: HEAD and the files of src/ that differ from it (the build comes from the working tree). */
function gitState(): { commit: string; modified_src: string[] } | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const modified = git('status', '--porcelain', '--', 'src')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3));
    return { commit: git('rev-parse', '--short', 'HEAD').trim(), modified_src: modified };
  } catch {
    return undefined;
  }
}

/**
 * Copies the compiled CLI (dist/src and the taxonomy cache, package.json, data/) into `dir` and links node_modules, so
 * that a rebuild of dist/ while the bench runs (tests, other work in the checkout) cannot swap
 * the code under measurement halfway through. Returns the snapshot's main.js.
 */
function snapshotCli(dir: string): string {
  const pkg = join(dir, 'pkg');
  cpSync(join(root, 'dist', 'src'), join(pkg, 'dist', 'src'), { recursive: true });
  cpSync(join(root, 'dist', 'taxonomy.cache.json'), join(pkg, 'dist', 'taxonomy.cache.json'));
  cpSync(join(root, 'data'), join(pkg, 'data'), { recursive: true });
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  return join(pkg, 'dist', 'src', 'cli', 'main.js');
}

// ---------------------------------------------------------------------------------------
// The preload hook: phase timestamps and peak RSS of the jai-trust child.
// ---------------------------------------------------------------------------------------

// CommonJS, preloaded with --require before the CLI's ESM graph loads. Marks:
//   run     — the CLI writes "run <id>: …" to stderr: suite validated, store open, run starts;
//   outputs — results.jsonl is opened: every item is done and stored, outputs begin;
//   exit    — process 'exit': peak RSS (resourceUsage().maxRSS) and CPU time, on stderr.
// Over the run phase it also takes the CPU time, the event-loop utilisation and the event-loop
// delay. The patched fs.createWriteStream reaches ESM importers through syncBuiltinESMExports().
const HOOK_SOURCE = `'use strict';
// Worker threads (the store's writer) get this preload too: only the main thread reports.
if (!require('node:worker_threads').isMainThread) return;
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const { syncBuiltinESMExports } = require('node:module');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const loop = monitorEventLoopDelay({ resolution: 10 });
const now = () => performance.timeOrigin + performance.now();
const marks = { start: performance.timeOrigin, run: null, outputs: null, hr_us: {}, loop_delay_ms: null, run_cpu_us: null, run_elu: null };
let cpuAtRun;
let eluAtRun;
const hr = () => Number(process.hrtime.bigint() / 1000n); // CLOCK_MONOTONIC, the clock of --cpu-prof timestamps
const write = process.stderr.write;
process.stderr.write = function (chunk, ...rest) {
  if (marks.run === null && typeof chunk === 'string' && chunk.startsWith('run ')) { marks.run = now(); marks.hr_us.run = hr(); loop.enable(); cpuAtRun = process.cpuUsage(); eluAtRun = performance.eventLoopUtilization(); }
  return write.call(this, chunk, ...rest);
};
const cws = fs.createWriteStream;
fs.createWriteStream = function (path, ...rest) {
  if (marks.outputs === null && String(path).endsWith('results.jsonl')) {
    marks.outputs = now();
    marks.hr_us.outputs = hr();
    loop.disable();
    const c = process.cpuUsage(cpuAtRun);
    marks.run_cpu_us = c.user + c.system;
    const e = performance.eventLoopUtilization(eluAtRun);
    marks.run_elu = { active_ms: e.active, utilization: e.utilization };
    // The histogram records whole timer intervals: subtract the 10 ms resolution to get the delay.
    const d = (ns) => Math.max(0, ns / 1e6 - 10);
    marks.loop_delay_ms = { mean: d(loop.mean), p50: d(loop.percentile(50)), p99: d(loop.percentile(99)), max: d(loop.max) };
  }
  return cws.call(this, path, ...rest);
};
syncBuiltinESMExports();
process.on('exit', (code) => {
  const ru = process.resourceUsage();
  marks.hr_us.exit = hr();
  fs.writeSync(2, '\\nBENCH_HOOK ' + JSON.stringify({ ...marks, exit: now(), max_rss_kb: ru.maxRSS, user_us: ru.userCPUTime, sys_us: ru.systemCPUTime, code }) + '\\n');
});
`;

interface HookReport {
  start: number;
  run: number | null;
  outputs: number | null;
  exit: number;
  max_rss_kb: number;
  user_us: number;
  sys_us: number;
  code: number;
  hr_us: { run?: number; outputs?: number; exit?: number };
  loop_delay_ms: LoopDelay | null;
  /** CPU time (all threads) between the run and outputs marks. */
  run_cpu_us: number | null;
  /** Event-loop utilisation of the main thread between the run and outputs marks. */
  run_elu: { active_ms: number; utilization: number } | null;
}

/** Event-loop delay over the run phase: how late a 10 ms timer fired (perf_hooks.monitorEventLoopDelay). */
interface LoopDelay {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

// ---------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------

interface RawResult {
  items: number;
  errors: number;
  ms: number;
  /** CPU seconds of the raw client over its measured window. */
  cpu_s: number;
  /** CPU seconds of the fake server while the raw client ran. */
  server_cpu_s: number;
  items_per_s: number;
  max_rss_mb: number;
  client: string;
}

async function measureRaw(server: Server, suite: string, concurrency: number, client: string, limit?: number): Promise<RawResult> {
  const args = [RAW, '--base-url', `http://127.0.0.1:${server.port}/v1`, '--suite', suite, '--concurrency', String(concurrency), '--model', MODEL, '--client', client];
  if (limit) args.push('--limit', String(limit));
  const serverCpu = server.cpuSeconds();
  const r = await runChild(process.execPath, args);
  const serverCpuUsed = server.cpuSeconds() - serverCpu;
  if (r.code !== 0) throw new Error(`raw client failed (${r.code ?? r.signal}): ${r.stderr.trim()}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as RawResult;
  if (result.errors > 0) throw new Error(`raw client: ${result.errors} errors`);
  return { ...result, server_cpu_s: serverCpuUsed };
}

interface JtResult {
  items: number;
  processed: number;
  cached: number;
  errors: number;
  /** Spawn → "run …" line: node start, module load, suite validation, store open. */
  startup_s: number;
  /** "run …" line → results.jsonl opened: streaming items, model calls, evaluators, store writes. */
  run_s: number;
  /** results.jsonl opened → exit: results.jsonl, summary.json, report.html, store close. */
  outputs_s: number;
  /** Spawn → exit. */
  total_s: number;
  run_items_per_s: number;
  e2e_items_per_s: number;
  peak_rss_mb: number;
  cpu_s: number;
  /** CPU seconds of the fake server while jai-trust ran (whole process lifetime). */
  server_cpu_s: number;
  report_html_mb: number;
  /** CPU time per item during the run phase (all threads of the process), µs. */
  run_cpu_us_per_item: number;
  /** Main-thread busy time per item during the run phase (event-loop utilisation × run time), µs. */
  run_busy_us_per_item: number;
  /** Event-loop utilisation during the run phase (1 = the main thread never waited). */
  run_elu: number;
  /** Event-loop delay during the run phase. */
  loop_delay_ms: LoopDelay | null;
  /** Monotonic phase marks (µs), to split a CPU profile into phases. */
  hr_us: HookReport['hr_us'];
}

async function measureJt(o: {
  server: Server;
  suite: string;
  items: number;
  concurrency: number;
  store: string;
  out: string;
  hook: string;
  nodeFlags?: string[];
}): Promise<JtResult> {
  const env = { ...process.env };
  delete env.OPENAI_API_KEY; // loopback fake server: no key, and none to redact
  delete env.JAI_TRUST_STORE;
  const args = [
    ...(o.nodeFlags ?? []),
    '--require',
    o.hook,
    CLI,
    'run',
    '--suite', o.suite,
    '--sut', `openai/${MODEL}`,
    '--base-url', `http://127.0.0.1:${o.server.port}/v1`,
    '--store', o.store,
    '--out', o.out,
    '--concurrency', String(o.concurrency),
    '--quiet',
  ];
  const serverCpu = o.server.cpuSeconds();
  // cwd: the store's directory, so that no ./jai-trust.yaml of the checkout changes the run.
  const r = await runChild(process.execPath, args, env, dirname(o.store));
  const serverCpuUsed = o.server.cpuSeconds() - serverCpu;
  const hookLine = r.stderr.split('\n').find((l) => l.startsWith('BENCH_HOOK '));
  if (r.code !== 0 || !hookLine) {
    throw new Error(`jai-trust run failed (${r.code ?? r.signal}):\n${r.stderr.trim().slice(-2000)}\n${r.stdout.trim().slice(-1000)}`);
  }
  const hook = JSON.parse(hookLine.slice('BENCH_HOOK '.length)) as HookReport;
  const m = /processed (\d+) \(cached (\d+), reused from an earlier run (\d+), resumed-over (\d+)\), errors (\d+)/.exec(r.stdout);
  if (!m) throw new Error(`jai-trust run: no "processed …" line in its output:\n${r.stdout.slice(-1000)}`);
  const [processed, cached, , , errors] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (processed !== o.items) throw new Error(`jai-trust run processed ${processed} of ${o.items} items`);
  if (hook.run === null || hook.outputs === null) throw new Error('jai-trust run: phase marks missing (did the CLI output change?)');
  const startup = (hook.run - r.spawnedAt) / 1000;
  const run = (hook.outputs - hook.run) / 1000;
  const outputs = (r.exitedAt - hook.outputs) / 1000;
  const total = (r.exitedAt - r.spawnedAt) / 1000;
  let reportMb = 0;
  try {
    reportMb = statSync(join(o.out, 'report.html')).size / 1024 / 1024;
  } catch {
    /* no report */
  }
  return {
    items: o.items,
    processed,
    cached,
    errors,
    startup_s: startup,
    run_s: run,
    outputs_s: outputs,
    total_s: total,
    run_items_per_s: o.items / run,
    e2e_items_per_s: o.items / total,
    peak_rss_mb: hook.max_rss_kb / 1024,
    cpu_s: (hook.user_us + hook.sys_us) / 1e6,
    server_cpu_s: serverCpuUsed,
    report_html_mb: reportMb,
    hr_us: hook.hr_us,
    loop_delay_ms: hook.loop_delay_ms,
    run_cpu_us_per_item: (hook.run_cpu_us ?? NaN) / o.items,
    run_busy_us_per_item: ((hook.run_elu?.active_ms ?? NaN) * 1000) / o.items,
    run_elu: hook.run_elu?.utilization ?? NaN,
  };
}

// ---------------------------------------------------------------------------------------
// Scenarios, targets, table
// ---------------------------------------------------------------------------------------

interface Rep {
  raw: RawResult;
  first: JtResult;
  cached: JtResult;
}

interface Scenario {
  name: string;
  latency_ms: number;
  items: number;
  concurrency: number;
  /** Repetitions (raw client, first run, cached run interleaved); raw/first/cached below are the median ones. */
  reps: number;
  raw: RawResult;
  first: JtResult;
  cached: JtResult;
  /** Highest peak RSS of any jai-trust process in this scenario. */
  peak_rss_mb_max: number;
  targets: Target[];
  all: Rep[];
}

interface Target {
  what: string;
  goal: string;
  value: number;
  pass: boolean;
  note?: string;
}

/** The repetition whose `key` is the median (upper median for an even count). */
function median<T>(list: T[], key: (x: T) => number): T {
  const sorted = [...list].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor(sorted.length / 2)]!;
}

function scenarioOf(name: string, latencyMs: number, items: number, concurrency: number, all: Rep[]): Scenario {
  const raw = median(all.map((r) => r.raw), (r) => r.items_per_s);
  const first = median(all.map((r) => r.first), (r) => r.run_items_per_s);
  const cached = median(all.map((r) => r.cached), (r) => r.run_items_per_s);
  const peak = Math.max(...all.flatMap((r) => [r.first.peak_rss_mb, r.cached.peak_rss_mb]));
  const targets: Target[] = [];
  if (latencyMs === 0) {
    const ratio = first.run_items_per_s / raw.items_per_s;
    targets.push({ what: 'run phase / raw client', goal: '≥ 0.80', value: ratio, pass: ratio >= 0.8, note: `e2e / raw ${(first.e2e_items_per_s / raw.items_per_s).toFixed(2)}` });
  } else {
    const ideal = concurrency / (latencyMs / 1000);
    const ratio = first.run_items_per_s / ideal;
    targets.push({
      what: `run phase / ${fmt(ideal)}/s (${concurrency}/${latencyMs} ms)`,
      goal: '≥ 0.95',
      value: ratio,
      pass: ratio >= 0.95,
      note: `raw client ${(raw.items_per_s / ideal).toFixed(2)} of it; e2e ${(first.e2e_items_per_s / ideal).toFixed(2)}`,
    });
  }
  if (items >= 50_000) targets.push({ what: 'peak RSS MB', goal: '< 400', value: peak, pass: peak < 400, note: 'first and cached runs' });
  targets.push({ what: 'cached re-run items/s, run phase', goal: '≥ 20,000', value: cached.run_items_per_s, pass: cached.run_items_per_s >= 20_000, note: `e2e ${fmt(cached.e2e_items_per_s)}/s` });
  return { name, latency_ms: latencyMs, items, concurrency, reps: all.length, raw, first, cached, peak_rss_mb_max: peak, targets, all };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const showValue = (v: number): string => (v >= 100 ? fmt(v) : v.toFixed(2));

function printReport(scenarios: Scenario[]): void {
  const rows = scenarios.map((s) => [
    s.name,
    fmt(s.items),
    String(s.concurrency),
    `${s.latency_ms} ms`,
    String(s.reps),
    fmt(s.raw.items_per_s),
    fmt(s.first.run_items_per_s),
    (s.first.run_items_per_s / s.raw.items_per_s).toFixed(2),
    fmt(s.first.e2e_items_per_s),
    (s.first.e2e_items_per_s / s.raw.items_per_s).toFixed(2),
    s.targets.every((t) => t.pass) ? 'pass' : 'MISSED',
    fmt(s.peak_rss_mb_max),
    fmt(s.cached.run_items_per_s),
    fmt(s.cached.e2e_items_per_s),
  ]);
  process.stdout.write(
    '\nresults (medians of the repetitions)\n' +
      table(
        ['scenario', 'items', 'conc', 'latency', 'reps', 'raw/s', 'jt run/s', 'ratio', 'jt e2e/s', 'e2e ratio', 'targets', 'peak RSS MB', 'cached run/s', 'cached e2e/s'],
        rows,
      ) +
      '\n',
  );
  process.stdout.write(
    'raw/s: raw client, first request → last answer. jt run/s: `jai-trust run`, run phase ("run …" line → results.jsonl opened):\n' +
      '  items streamed, model calls, refusal detector and other default evaluators, SQLite writes. ratio = jt run/s ÷ raw/s.\n' +
      'jt e2e/s: spawn → exit, i.e. also node start, suite validation and the outputs (results.jsonl, summary.json, report.html).\n' +
      'peak RSS: highest maxRSS of any jai-trust process of the scenario. cached: the same command again on the same store.\n',
  );
  const phaseRows = scenarios.flatMap((s) =>
    (['first', 'cached'] as const).map((k) => {
      const r = s[k];
      const d = r.loop_delay_ms;
      const delay = d ? `${d.mean.toFixed(1)} / ${d.p99.toFixed(0)} / ${d.max.toFixed(0)}` : 'n/a';
      return [`${s.name} ${k}`, r.startup_s.toFixed(2), r.run_s.toFixed(2), r.outputs_s.toFixed(2), r.total_s.toFixed(2), r.cpu_s.toFixed(1), fmt(r.peak_rss_mb), delay, r.report_html_mb.toFixed(1), `${r.cached}/${r.processed}`, String(r.errors)];
    }),
  );
  process.stdout.write(
    '\njai-trust phases, seconds (median runs)\n' +
      table(['run', 'startup', 'run', 'outputs', 'total', 'CPU s', 'RSS MB', 'loop delay ms mean/p99/max', 'report.html MB', 'cached', 'errors'], phaseRows) +
      '\nstartup: spawn → "run …" line (node, modules, suite validation, store open). loop delay: how late a 10 ms timer fired during the run phase.\n',
  );
  const us = (cpu: number, n: number) => (Number.isFinite(cpu) ? fmt((cpu * 1e6) / n) : 'n/a');
  const cpuRows = scenarios.map((s) => [
    s.name,
    us(s.raw.cpu_s, s.items),
    us(s.raw.server_cpu_s, s.items),
    us(s.first.cpu_s, s.items),
    fmt(s.first.run_cpu_us_per_item),
    fmt(s.first.run_busy_us_per_item),
    s.first.run_elu.toFixed(2),
    us(s.first.server_cpu_s, s.items),
    us(s.cached.cpu_s, s.items),
    fmt(s.cached.run_cpu_us_per_item),
    fmt(s.cached.run_busy_us_per_item),
  ]);
  process.stdout.write(
    '\nCPU time per item, µs (raw client: measured window; process: whole jai-trust process, startup and outputs included)\n' +
      table(['scenario', 'raw client', 'server (raw)', 'jt process', 'jt run CPU', 'jt run busy', 'jt run ELU', 'server (jt)', 'cached process', 'cached run CPU', 'cached run busy'], cpuRows) +
      '\nrun CPU: CPU time of all threads in the run phase; run busy: main-thread busy time (event-loop utilisation ELU × run time).\n',
  );
  const targetRows = scenarios.flatMap((s) => s.targets.map((t) => [s.name, t.what, t.goal, showValue(t.value), t.pass ? 'pass' : 'MISSED', t.note ?? '']));
  process.stdout.write('\ntargets\n' + table(['scenario', 'measure', 'target', 'value', 'result', 'note'], targetRows) + '\n');
  const missed = scenarios.flatMap((s) => s.targets.filter((t) => !t.pass).map((t) => `${s.name}: ${t.what} = ${showValue(t.value)} (target ${t.goal})`));
  process.stdout.write(missed.length === 0 ? '\nall targets met\n' : `\nMISSED ${missed.length} target(s):\n${missed.map((m) => '  MISSED ' + m).join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

function intList(v: string | undefined, fallback: number[]): number[] {
  if (v === undefined) return fallback;
  const list = v.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`not a list of integers: ${v}`);
  return list;
}

const label = (latency: number, items: number): string => `${latency}ms-${items % 1000 === 0 ? items / 1000 + 'k' : items}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      concurrency: { type: 'string', default: '64' },
      sizes: { type: 'string' },
      'sizes-50': { type: 'string' },
      latencies: { type: 'string' },
      reps: { type: 'string' },
      'budget-s': { type: 'string', default: '360' },
      'server-workers': { type: 'string', default: '1' },
      'raw-client': { type: 'string', default: 'undici' },
      'cpu-prof': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const concurrency = Number(values.concurrency);
  const workers = Number(values['server-workers']);
  const rawClient = values['raw-client']!;
  const budgetS = Number(values['budget-s']);
  const latencies = intList(values.latencies, [0, 50]);
  const sizes0 = intList(values.sizes, [5000, 50000]);
  const sizes50Fixed = values['sizes-50'] !== undefined ? intList(values['sizes-50'], []) : undefined;
  const repsFor = (items: number): number => (values.reps !== undefined ? Number(values.reps) : items <= 10_000 ? 3 : 1);
  if (!(concurrency >= 1) || !(workers >= 1) || !['undici', 'dispatch', 'http'].includes(rawClient)) throw new Error('bad --concurrency, --server-workers or --raw-client');

  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run \`npm run build\` first`);
  const benchStart = now();
  const load = os.loadavg();
  const git = gitState();
  const machine = {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    mem_gb: os.totalmem() / 1024 ** 3,
    loadavg_start: load,
  };
  process.stdout.write(
    `jai-trust bench — ${new Date().toISOString()}\n` +
      `node ${machine.node}, ${machine.platform}, ${machine.cpus} CPUs (${machine.cpu_model}), ${machine.mem_gb.toFixed(1)} GB\n` +
      `load average at start: ${load.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)` +
      (load[0]! > machine.cpus * 0.5 ? '  ← other work is running: figures will be noisy\n' : '\n') +
      `concurrency ${concurrency}, fake server workers ${workers}, raw client ${rawClient}, loopback 127.0.0.1\n` +
      (git ? `checkout ${git.commit}${git.modified_src.length ? ` + uncommitted changes in ${git.modified_src.join(', ')}` : ''}\n` : ''),
  );

  const tmp = mkdtempSync(join(os.tmpdir(), 'jai-trust-bench-'));
  if (!values.keep) tmpToRemove = tmp;
  CLI = snapshotCli(tmp);
  const hook = join(tmp, 'bench-hook.cjs');
  writeFileSync(hook, HOOK_SOURCE);
  const scenarios: Scenario[] = [];
  const suites = new Map<number, string>();
  const suiteFor = async (n: number): Promise<string> => {
    let path = suites.get(n);
    if (!path) {
      path = join(tmp, `bench-${n}.jsonl`);
      const t = now();
      const stats = await writeSuite(path, n);
      process.stdout.write(`suite of ${fmt(n)} items: ${(stats.bytes / 1024 / 1024).toFixed(1)} MB, ${stats.refuse} refuse / ${stats.comply} comply (${((now() - t) / 1000).toFixed(1)} s to write)\n`);
      suites.set(n, path);
    }
    return path;
  };
  let profile: { file: string; items: number; hr_us: HookReport['hr_us']; phases: ProfilePhase[] } | undefined;
  const skipped: string[] = [];

  const measureScenario = async (server: Server, latency: number, items: number): Promise<Scenario> => {
    const suite = await suiteFor(items);
    const name = label(latency, items);
    const all: Rep[] = [];
    const reps = repsFor(items);
    for (let rep = 1; rep <= reps; rep++) {
      process.stdout.write(`${name}${reps > 1 ? ` #${rep}` : ''}: raw client… `);
      const raw = await measureRaw(server, suite, concurrency, rawClient);
      process.stdout.write(`${fmt(raw.items_per_s)}/s; jai-trust run… `);
      const store = join(tmp, `store-${name}-${rep}.db`);
      const first = await measureJt({ server, suite, items, concurrency, store, out: join(tmp, `out-${name}-${rep}-first`), hook });
      if (first.errors > 0) throw new Error(`${name}: jai-trust run had ${first.errors} errors`);
      if (first.cached !== 0) throw new Error(`${name}: first run had ${first.cached} cached answers (expected none)`);
      process.stdout.write(`${fmt(first.run_items_per_s)}/s (e2e ${fmt(first.e2e_items_per_s)}/s, ${fmt(first.peak_rss_mb)} MB); cached re-run… `);
      const cached = await measureJt({ server, suite, items, concurrency, store, out: join(tmp, `out-${name}-${rep}-cached`), hook });
      if (cached.cached !== items) throw new Error(`${name}: cached re-run served ${cached.cached} of ${items} from the cache`);
      process.stdout.write(`${fmt(cached.run_items_per_s)}/s (e2e ${fmt(cached.e2e_items_per_s)}/s, ${fmt(cached.peak_rss_mb)} MB)\n`);
      all.push({ raw, first, cached });
      // Stores and outputs of finished repetitions are not needed any more: keep the disk small.
      if (!values.keep) for (const f of readdirSync(tmp)) if (f.startsWith(`store-${name}-${rep}.db`) || f.startsWith(`out-${name}-${rep}-`)) rmSync(join(tmp, f), { recursive: true, force: true });
    }
    return scenarioOf(name, latency, items, concurrency, all);
  };

  try {
    for (const latency of latencies) {
      const server = await startServer(latency, workers);
      process.stdout.write(`\nfake server: 127.0.0.1:${server.port}, latency ${latency} ms\n`);
      try {
        // Warm the server (JIT, connections) so that whichever side is measured first is not penalised.
        await measureRaw(server, await suiteFor(Math.min(5000, ...sizes0)), concurrency, rawClient, 2000);
        if (latency === 0 || sizes50Fixed !== undefined) {
          for (const items of latency === 0 ? sizes0 : sizes50Fixed!) scenarios.push(await measureScenario(server, latency, items));
        } else {
          // 5,000 items always; 50,000 only if the whole bench still ends within the budget. The
          // estimate scales this latency's 5,000-item figures and adds the per-run fixed costs
          // (startup, outputs) seen at 50,000 items elsewhere, if any.
          const small = await measureScenario(server, latency, 5000);
          scenarios.push(small);
          const big = scenarios.find((s) => s.items === 50_000);
          const fixed = big ? big.first.startup_s + big.first.outputs_s + big.cached.total_s : 60;
          const estimate = 50_000 / small.raw.items_per_s + 50_000 / small.first.run_items_per_s + fixed + 5;
          const elapsed = (now() - benchStart) / 1000;
          const after = latencies.slice(latencies.indexOf(latency) + 1).length * 60;
          if (elapsed + estimate + after <= budgetS) {
            scenarios.push(await measureScenario(server, latency, 50_000));
          } else {
            skipped.push(`50,000 items at ${latency} ms: estimated ${estimate.toFixed(0)} s more after ${elapsed.toFixed(0)} s, over the ${budgetS} s budget (--sizes-50 5000,50000 forces it)`);
          }
        }
        if (latency === latencies[0] && values['cpu-prof']) {
          const items = Math.min(...(latency === 0 ? sizes0 : (sizes50Fixed ?? [5000])));
          // Outside the repository and kept after the bench (bench/results/ holds latest.json only).
          const dir = mkdtempSync(join(os.tmpdir(), 'jai-trust-cpuprofile-'));
          process.stdout.write(`profiling one jai-trust run (${fmt(items)} items, ${latency} ms, --cpu-prof)…\n`);
          const prof = await measureJt({
            server, suite: await suiteFor(items), items, concurrency,
            store: join(tmp, 'store-prof.db'), out: join(tmp, 'out-prof'), hook, nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
          });
          const file = readdirSync(dir).map((f) => join(dir, f)).find((f) => f.endsWith('.cpuprofile'));
          if (file) profile = { file, items, hr_us: prof.hr_us, phases: printProfile(file, prof.hr_us) };
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    if (!values.keep) {
      rmSync(tmp, { recursive: true, force: true });
      tmpToRemove = undefined;
    } else process.stdout.write(`\nkept ${tmp}\n`);
  }

  printReport(scenarios);
  if (skipped.length > 0) process.stdout.write(`\nnot measured: ${skipped.join('; ')}\n`);
  const loadEnd = os.loadavg();
  const elapsed = (now() - benchStart) / 1000;
  process.stdout.write(`\nload average at end: ${loadEnd.map((l) => l.toFixed(2)).join(' ')}; bench took ${elapsed.toFixed(0)} s\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, 'latest.json');
  writeFileSync(
    file,
    JSON.stringify(
      { date: new Date().toISOString(), machine: { ...machine, loadavg_end: loadEnd }, git, concurrency, server_workers: workers, raw_client: rawClient, elapsed_s: elapsed, skipped, scenarios, ...(profile ? { cpu_profile: profile } : {}) },
      null,
      2,
    ) + '\n',
  );
  process.stdout.write(`results: ${file}\n`);
}

interface ProfilePhase {
  phase: string;
  sampled_ms: number;
  /** Self time: the function itself was on top of the stack. */
  top_self: { fn: string; ms: number; pct: number }[];
  /** Inclusive time of jai-trust's own functions (dist/src): the function was anywhere on the stack. */
  top_inclusive: { fn: string; ms: number; pct: number }[];
}

/** Top self-time and inclusive-time functions of a .cpuprofile, per phase (split by the hook's monotonic marks). */
function printProfile(path: string, hr: HookReport['hr_us']): ProfilePhase[] {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }
  const p = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: Node): string => {
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*?\/(dist\/src\/)/, '$1').replace(/^.*\/(node_modules\/)/, '$1');
    const fn = n.callFrame.functionName || '(anonymous)';
    return fn.startsWith('RegExp:') ? `RegExp ${fn.slice(7, 50).trim()}…` : `${fn}${url ? ` ${url}:${n.callFrame.lineNumber + 1}` : ''}`;
  };
  const phases = ['startup', 'run', 'outputs'] as const;
  const self = phases.map(() => new Map<string, number>());
  const incl = phases.map(() => new Map<string, number>());
  const totals = phases.map(() => 0);
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    const phase = hr.run !== undefined && t < hr.run ? 0 : hr.outputs !== undefined && t < hr.outputs ? 1 : 2;
    const n = byId.get(p.samples[i]!)!;
    const key = name(n);
    self[phase]!.set(key, (self[phase]!.get(key) ?? 0) + dt);
    totals[phase]! += dt;
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!;
      if (!frame.callFrame.url.includes('/dist/src/')) continue;
      const k = name(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      incl[phase]!.set(k, (incl[phase]!.get(k) ?? 0) + dt);
    }
  }
  const out: ProfilePhase[] = [];
  const top = (m: Map<string, number>, total: number, n: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([fn, us]) => ({ fn, ms: us / 1000, pct: (100 * us) / Math.max(1, total) }));
  const lines = (list: { fn: string; ms: number; pct: number }[]) => list.map((x) => `  ${x.pct.toFixed(1).padStart(5)} %  ${x.ms.toFixed(0).padStart(6)} ms  ${x.fn}`).join('\n');
  for (let k = 0; k < phases.length; k++) {
    const total = totals[k]!;
    const phase: ProfilePhase = { phase: phases[k]!, sampled_ms: total / 1000, top_self: top(self[k]!, total, 30), top_inclusive: top(incl[k]!, total, 15) };
    out.push(phase);
    process.stdout.write(
      `\n${phases[k]} phase: ${(total / 1e6).toFixed(2)} s sampled\n self time:\n${lines(phase.top_self)}\n inclusive time, jai-trust functions:\n${lines(phase.top_inclusive)}\n`,
    );
  }
  process.stdout.write(`profile: ${path}\n`);
  return out;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  killAll();
  process.exitCode = 1;
});
