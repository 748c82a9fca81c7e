/**
 * The store's writer thread: its own connection to the SQLite file (WAL lets the main thread read
 * meanwhile), applying the write operations it is sent. Operations that arrive while a transaction
 * runs are committed together in the next one, so a busy run gets fewer, larger commits without
 * the event loop ever waiting for one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from './connection.js';
import { WriteApplier, type WriteOp } from './writes.js';

export interface WriterRequest {
  id: number;
  op: WriteOp;
}
export type WriterReply = { ids: number[]; error?: string };

const port = parentPort!;
const db = openConnection((workerData as { path: string }).path);
const applier = new WriteApplier(db);
let queue: WriterRequest[] = [];
let scheduled = false;

port.on('message', (message: WriterRequest | 'close') => {
  if (message === 'close') {
    drain();
    db.close();
    port.close();
    return;
  }
  queue.push(message);
  if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
});

function drain(): void {
  scheduled = false;
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
