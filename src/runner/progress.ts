/**
 * Progress: a bar with rate and ETA on a TTY, plain periodic lines otherwise (CI logs).
 * Anything shown from a model or server passes through terminal-safe first.
 */
import cliProgress from 'cli-progress';
import type { ResultRecord } from '../store/store.js';
import { terminalSafe } from '../text/terminal-safe.js';

export interface ProgressReporter {
  start(total: number): void;
  tick(record: ResultRecord): void;
  skip(): void;
  retry(sut: string, itemId: string, message: string, delayMs: number): void;
  stop(): void;
}

export const silentProgress: ProgressReporter = { start() {}, tick() {}, skip() {}, retry() {}, stop() {} };

export function createProgress(stream: NodeJS.WriteStream = process.stderr, intervalMs = 5000): ProgressReporter {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream, intervalMs);
}

class Counters {
  done = 0;
  errors = 0;
  cached = 0;
  skipped = 0;
  total = 0;
  readonly started = Date.now();
  count(record: ResultRecord): void {
    this.done++;
    if (record.error) this.errors++;
    if (record.cached) this.cached++;
  }
  rate(): number {
    return this.done / Math.max(0.001, (Date.now() - this.started) / 1000);
  }
}

class BarProgress implements ProgressReporter {
  private readonly c = new Counters();
  private readonly bar: cliProgress.SingleBar;
  private lastUpdate = 0;

  constructor(stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: ' {bar} {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted} | errors {errors} | cached {cached}',
        hideCursor: true,
        etaBuffer: 200,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  start(total: number): void {
    this.c.total = total;
    this.bar.start(total, 0, { rate: '0', errors: 0, cached: 0 });
  }
  tick(record: ResultRecord): void {
    this.c.count(record);
    const now = Date.now();
    if (now - this.lastUpdate < 100 && this.c.done + this.c.skipped < this.c.total) return;
    this.lastUpdate = now;
    this.bar.update(this.c.done + this.c.skipped, { rate: this.c.rate().toFixed(1), errors: this.c.errors, cached: this.c.cached });
  }
  skip(): void {
    this.c.skipped++;
  }
  retry(): void {
    /* the bar stays clean; errors show in the counter and the results */
  }
  stop(): void {
    this.bar.update(this.c.done + this.c.skipped, { rate: this.c.rate().toFixed(1), errors: this.c.errors, cached: this.c.cached });
    this.bar.stop();
  }
}

class LineProgress implements ProgressReporter {
  private readonly c = new Counters();
  private timer: NodeJS.Timeout | undefined;
  private retries = 0;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly intervalMs: number) {}
  start(total: number): void {
    this.c.total = total;
    this.timer = setInterval(() => this.line(), this.intervalMs);
    this.timer.unref();
  }
  tick(record: ResultRecord): void {
    this.c.count(record);
  }
  skip(): void {
    this.c.skipped++;
  }
  retry(sut: string, itemId: string, message: string, delayMs: number): void {
    // Print the first few retries in full, then only count them.
    if (++this.retries <= 5) this.stream.write(`retry ${terminalSafe(sut)} ${terminalSafe(itemId)} in ${delayMs} ms: ${terminalSafe(message)}\n`);
  }
  private line(): void {
    const done = this.c.done + this.c.skipped;
    const rate = this.c.rate();
    const eta = rate > 0 ? Math.round((this.c.total - done) / rate) : NaN;
    this.stream.write(
      `progress ${done}/${this.c.total} (${((100 * done) / Math.max(1, this.c.total)).toFixed(1)}%) ${rate.toFixed(1)} items/s ETA ${Number.isNaN(eta) ? '?' : `${eta}s`} errors ${this.c.errors} cached ${this.c.cached}\n`,
    );
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.line();
  }
}
