/**
 * Buffers results and hands them to the store in batches (one transaction each). The store commits
 * batches in order off the event loop; the writer only waits when too many are still uncommitted.
 */
import type { ResultRecord, Store } from '../store/store.js';

const BATCH_SIZE = 64;
// With the store's group commit, about what a SIGKILL costs while the store keeps up: results not
// yet committed are redone on resume (at most MAX_PENDING_BATCHES of them when it lags).
const FLUSH_INTERVAL_MS = 100;
/**
 * Batches handed over but not committed before the runner is held back: memory stays bounded
 * (≈ 16,000 results, tens of MB), yet a commit that takes long (a WAL checkpoint, the writer thread
 * waiting for a core) does not stall the requests. 64 held the runner back a quarter of the time at 0 ms.
 */
const MAX_PENDING_BATCHES = 256;

export class ResultWriter {
  private buffer: ResultRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly store: Store) {}

  add(record: ResultRecord): void {
    if (this.failure) throw this.failure;
    this.buffer.push(record);
    if (this.buffer.length >= BATCH_SIZE) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Resolves when the store has room for more (at most MAX_PENDING_BATCHES uncommitted). */
  async ready(): Promise<void> {
    // Batches commit in order: waiting for the oldest is waiting for the first to settle (and,
    // unlike Promise.race over hundreds, adds one reaction per wait, not one per batch).
    while (this.inFlight.size >= MAX_PENDING_BATCHES) await this.inFlight.values().next().value;
    if (this.failure) throw this.failure;
  }

  /** Another write of the run (e.g. its items) whose failure must fail the run, awaited on close. */
  track(write: Promise<void>): void {
    const tracked: Promise<void> = write.then(
      () => void this.inFlight.delete(tracked),
      (e: unknown) => {
        this.inFlight.delete(tracked);
        this.failure ??= e;
      },
    );
    this.inFlight.add(tracked);
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.track(this.store.writeResults(batch));
  }

  async close(): Promise<void> {
    this.flush();
    // The last batches need not wait for the store's next group commit.
    if (this.inFlight.size > 0) this.track(this.store.flush());
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }
}
