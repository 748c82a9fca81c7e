/**
 * Where the SQLite store's bulk writes run. A file store writes from a worker thread with its own
 * connection: the event loop only hands over plain data, so model answers are never kept waiting
 * behind a commit. An in-memory store (one connection only) writes inline. Both keep the order in
 * which operations are submitted, and a submitted operation's promise settles once it is committed.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { WriteApplier, type WriteOp } from './writes.js';
import type { WriterOptions, WriterReply, WriterRequest } from './writer-thread.js';

export interface SqliteWriter {
  /** `urgent`: the caller waits for this commit (otherwise it may wait for its group). */
  submit(op: WriteOp, urgent?: boolean): Promise<void>;
  /** Wait for everything submitted, then release the thread (if any). */
  close(): Promise<void>;
  /** Start the thread now rather than on the first write. */
  warmUp(): void;
}

export class InlineWriter implements SqliteWriter {
  private readonly applier: WriteApplier;

  constructor(db: Database.Database) {
    this.applier = new WriteApplier(db);
  }

  async submit(op: WriteOp): Promise<void> {
    this.applier.apply([op]);
  }

  async close(): Promise<void> {}

  warmUp(): void {}
}

export class ThreadWriter implements SqliteWriter {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  constructor(private readonly options: WriterOptions) {}

  submit(op: WriteOp, urgent = false): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const settled = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.start().postMessage({ id, op, urgent } satisfies WriterRequest);
    return settled;
  }

  warmUp(): void {
    this.start();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    await exited;
    this.failAll(new Error('the store writer stopped before committing'));
  }

  /** Started on the first write: commands that only read never pay for a thread. */
  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: this.options });
    worker.on('message', (reply: WriterReply) => {
      const error = reply.error === undefined ? undefined : new Error(`store write failed: ${reply.error}`);
      for (const id of reply.ids) {
        const waiter = this.waiting.get(id);
        this.waiting.delete(id);
        if (error) waiter?.reject(error);
        else waiter?.resolve();
      }
    });
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => {
      if (code !== 0) this.failAll(new Error(`the store writer thread exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    if (this.waiting.size === 0) return;
    this.failure = error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
