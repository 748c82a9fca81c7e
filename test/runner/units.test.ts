import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheKey } from '../../src/runner/cache-key.js';
import { backoffDelay, withRetry, DEFAULT_RETRY_POLICY } from '../../src/runner/retry.js';
import { RateLimiter, Semaphore } from '../../src/runner/limits.js';
import { RetryableError, PermanentError } from '../../src/suts/sut.js';
import { splitReasoning } from '../../src/suts/reasoning.js';
import { parseRetryAfter } from '../../src/suts/http.js';
import { terminalSafe } from '../../src/text/terminal-safe.js';

const identity = { provider: 'openai', model: 'm', base_url: 'http://x/v1', params: {} };
const messages = [{ role: 'user', content: 'こんにちは' }];

test('cache key: stable under key order, different for any change of SUT, messages or params', () => {
  const k = cacheKey(identity, messages, { temperature: 0 });
  assert.match(k, /^[0-9a-f]{16}:[0-9a-f]{64}$/);
  // One SUT configuration, one tag: the store can tell whether anything is cached for it.
  const tag = (key: string): string => key.split(':')[0]!;
  assert.equal(tag(cacheKey(identity, [{ role: 'user', content: '別の質問' }], { temperature: 0 })), tag(k));
  assert.notEqual(tag(cacheKey({ ...identity, model: 'm2' }, messages, { temperature: 0 })), tag(k));
  assert.notEqual(tag(cacheKey(identity, messages, { temperature: 0.7 })), tag(k));
  assert.equal(k, cacheKey({ params: {}, base_url: 'http://x/v1', model: 'm', provider: 'openai' }, messages, { temperature: 0 }));
  assert.notEqual(k, cacheKey({ ...identity, model: 'm2' }, messages, { temperature: 0 }));
  assert.notEqual(k, cacheKey({ ...identity, base_url: 'http://y/v1' }, messages, { temperature: 0 }));
  assert.notEqual(k, cacheKey(identity, [{ role: 'user', content: 'こんばんは' }], { temperature: 0 }));
  assert.notEqual(k, cacheKey(identity, messages, { temperature: 0.7 }));
  assert.notEqual(k, cacheKey(identity, messages, { temperature: 0, seed: 1 }));
  assert.notEqual(k, cacheKey(identity, [{ role: 'user', content: 'こんにちは', images: ['sha256:aa'] }], { temperature: 0 }));
});

test('backoff: exponential with full jitter, capped; Retry-After wins, within its own cap', () => {
  const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(backoffDelay(p, 0, undefined, () => 0.999), 100);
  assert.equal(backoffDelay(p, 3, undefined, () => 0.999), 799);
  assert.equal(backoffDelay(p, 10, undefined, () => 1), 1000);
  assert.equal(backoffDelay(p, 0, undefined, () => 0), 0);
  assert.equal(backoffDelay(p, 5, 2500), 2500);
  assert.equal(backoffDelay(p, 0, 10 * 60_000), p.maxRetryAfterMs);
  assert.equal(parseRetryAfter('2'), 2000);
  assert.equal(parseRetryAfter(new Date(Date.now() + 5000).toUTCString()) ! > 3000, true);
  assert.equal(parseRetryAfter('soon'), undefined);
});

test('withRetry retries retryable errors, stops on permanent ones, reports attempts', async () => {
  let calls = 0;
  const ok = await withRetry(async () => {
    if (++calls < 3) throw new RetryableError('flaky', 1);
    return 'done';
  }, { ...DEFAULT_RETRY_POLICY, maxRetries: 5 });
  assert.deepEqual(ok, { value: 'done', attempts: 3 });
  calls = 0;
  await assert.rejects(withRetry(async () => { calls++; throw new PermanentError('bad request'); }, DEFAULT_RETRY_POLICY), /bad request/);
  assert.equal(calls, 1);
  await assert.rejects(
    withRetry(async () => { throw new RetryableError('down', 1); }, { ...DEFAULT_RETRY_POLICY, maxRetries: 2 }),
    (e: unknown) => (e as { attempts: number }).attempts === 3 && /down \(gave up after 3 attempts\)/.test((e as Error).message),
  );
});

test('semaphore admits capacity at once and queues the rest in order; rate limiter spaces starts', async () => {
  const s = new Semaphore(2);
  assert.equal(s.acquire(), undefined);
  assert.equal(s.acquire(), undefined);
  const order: number[] = [];
  const w1 = s.acquire()!.then(() => order.push(1));
  const w2 = s.acquire()!.then(() => order.push(2));
  s.release();
  s.release();
  await Promise.all([w1, w2]);
  assert.deepEqual(order, [1, 2]);
  const r = new RateLimiter(600); // one start per 100 ms
  assert.equal(r.reserve(1000), 0);
  assert.equal(r.reserve(1000), 100);
  assert.equal(r.reserve(1050), 150);
});

test('reasoning: <think> blocks, unclosed thoughts and template-opened thoughts are separated from the answer', () => {
  assert.deepEqual(splitReasoning('<think>a</think>\n答え'), { answer: '答え', reasoning: 'a', unclosed: false });
  assert.deepEqual(splitReasoning('<think>まだ考えて'), { answer: '', reasoning: 'まだ考えて', unclosed: true });
  assert.deepEqual(splitReasoning('考えた</think>答え'), { answer: '答え', reasoning: '考えた', unclosed: false });
  assert.deepEqual(splitReasoning('答え', 'field'), { answer: '答え', reasoning: 'field', unclosed: false });
  assert.deepEqual(splitReasoning('答え'), { answer: '答え', reasoning: undefined, unclosed: false });
});

test('terminal-safe output removes escapes and control characters, keeps Japanese, newlines and tabs', () => {
  assert.equal(terminalSafe('\u001b[31m赤\u001b[0m\n\tok'), '赤\n\tok');
  assert.equal(terminalSafe('a\u001b]0;pwned\u0007b'), 'ab');
  assert.equal(terminalSafe('x\u0008\u0008y\rz\u202eevil'), 'xyzevil');
});
