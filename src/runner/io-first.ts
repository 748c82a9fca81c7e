/**
 * Network first, evaluation after. At a fixed model latency, answers come back in bursts; if each
 * answer were evaluated and recorded as it is read, the last of a burst would wait for all the
 * others' evaluations before it is even read (and its slot refilled), which lengthens every request
 * cycle. A fresh answer instead waits here until the I/O that is ready has been handled; waiters are
 * let go a few at a time, one `setImmediate` each, so answers arriving meanwhile are read between
 * slices. Measured by `npm run bench` (docs/performance.md).
 */

/** Answers evaluated per turn of the event loop before it looks for I/O again. */
const SLICE = 4;

const waiting: (() => void)[] = [];
let scheduled = false;

/** Resolves after the event loop has handled the I/O that is ready now, and the waiters before this one. */
export function afterPendingIo(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(releaseSlice);
    }
  });
}

function releaseSlice(): void {
  for (const resolve of waiting.splice(0, SLICE)) resolve();
  if (waiting.length > 0) setImmediate(releaseSlice);
  else scheduled = false;
}
