/**
 * The store's writer thread: its own connection to the SQLite file (WAL lets the main thread read
 * meanwhile), applying the write operations it is sent. Group commit: operations are gathered for
 * up to GROUP_MS (or until GROUP_OPS are waiting) and committed in one transaction. A commit writes
 * every page it touched to the WAL, so one commit per 50 ms instead of one per batch cuts the
 * writer's work several times over; the runner's own flush interval (100 ms) already bounds what a
 * kill can cost, and this adds at most GROUP_MS to it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from './connection.js';
import { WriteApplier, type WriteOp } from './writes.js';

export interface WriterRequest {
  id: number;
  op: WriteOp;
  /** Someone waits for this one (a cache entry, a reuse copy): commit now, not at the group's end. */
  urgent: boolean;
}
export type WriterReply = { ids: number[]; error?: string };

export interface WriterOptions {
  path: string;
  /** How long operations are gathered before a group commit (default 50 ms). */
  groupCommitMs?: number;
}

const port = parentPort!;
const options = workerData as WriterOptions;
const GROUP_MS = options.groupCommitMs ?? 50;
const GROUP_OPS = 64;

const db = openConnection(options.path);
const applier = new WriteApplier(db);
let queue: WriterRequest[] = [];
let timer: NodeJS.Timeout | undefined;

port.on('message', (message: WriterRequest | 'close') => {
  if (message === 'close') {
    if (timer) clearTimeout(timer);
    drain();
    db.close();
    port.close();
    return;
  }
  queue.push(message);
  if (message.urgent || queue.length >= GROUP_OPS) {
    if (timer) clearTimeout(timer);
    timer = undefined;
    drain();
  } else if (!timer) {
    timer = setTimeout(() => {
      timer = undefined;
      drain();
    }, GROUP_MS);
  }
});

function drain(): void {
  if (queue.length === 0) return;
  const batch = queue;
  queue = [];
  try {
    applier.apply(batch.map((r) => r.op));
    port.postMessage({ ids: batch.map((r) => r.id) } satisfies WriterReply);
  } catch (e) {
    if (batch.length === 1) port.postMessage({ ids: [batch[0]!.id], error: (e as Error).message } satisfies WriterReply);
    // One bad operation must not take the others of its transaction down: apply them one by one.
    else for (const request of batch) applyAlone(request);
  }
}

function applyAlone(request: WriterRequest): void {
  try {
    applier.apply([request.op]);
    port.postMessage({ ids: [request.id] } satisfies WriterReply);
  } catch (e) {
    port.postMessage({ ids: [request.id], error: (e as Error).message } satisfies WriterReply);
  }
}
