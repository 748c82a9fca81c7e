import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterPendingIo } from '../../src/runner/io-first.js';

test('afterPendingIo lets waiters go in order, a few per turn of the event loop, with callbacks due meanwhile in between', async () => {
  const order: (number | string)[] = [];
  const waiters = Array.from({ length: 10 }, (_, i) => afterPendingIo().then(() => void order.push(i)));
  // Nothing is let go before the loop turns.
  await Promise.resolve();
  assert.equal(order.length, 0);
  // Due after the first slice was scheduled: it runs before the second slice.
  setImmediate(() => order.push('io'));
  await Promise.all(waiters);
  assert.deepEqual(order, [0, 1, 2, 3, 'io', 4, 5, 6, 7, 8, 9]);
  // Later waiters start a new round.
  await afterPendingIo();
});
