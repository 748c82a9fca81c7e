/**
 * The response cache's look-up key in SQLite: 16 bytes instead of the 81-character text key
 * (`<tag>:<sha256>`, see src/runner/cache-key.ts), whose unique index cost more than the rest of
 * the cache row. The prefix is the tag's 8 bytes and the first 8 bytes of the hash: a SUT
 * configuration's entries stay together (one range probe answers "anything cached for it?"), and
 * two keys share a prefix with odds of 2⁻⁶⁴ per pair. The row keeps the full key, checked on read,
 * so such a clash can only cost a cache miss, never a wrong answer.
 */
import { hash } from 'node:crypto';

const KEY_FORM = /^[0-9a-f]{16}:[0-9a-f]{64}$/;

export function cachePrefix(key: string): Buffer {
  if (KEY_FORM.test(key)) return Buffer.from(key.slice(0, 16) + key.slice(17, 33), 'hex');
  // Not a key of the current form (tests, older key versions): a prefix from its own hash.
  return hash('sha256', key, 'buffer').subarray(0, 16);
}

/** The smallest and largest prefix of a tag's keys, for a range query. */
export function tagRange(tag: string): [Buffer, Buffer] {
  return [Buffer.from(tag + '0'.repeat(16), 'hex'), Buffer.from(tag + 'f'.repeat(16), 'hex')];
}
