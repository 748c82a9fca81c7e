/**
 * Response cache key: everything that changes a model's answer — the SUT's identity
 * (provider, model, endpoint, file hash; never a key), the messages with image hashes,
 * and the generation parameters — hashed. The identity and parameters are the same for
 * every item of a SUT, so their canonical form is computed once (`cacheKeyPrefix`);
 * per item only the messages are serialised, in a fixed shape.
 */
import { hash } from 'node:crypto';
import { canonicalJson } from '../text/canonical-json.js';
import type { GenerationParams } from '../suts/sut.js';

export const CACHE_KEY_VERSION = 2;

interface KeyMessage {
  role: string;
  content: string;
  images?: readonly string[];
}

export function cacheKeyPrefix(identity: Record<string, unknown>, params: GenerationParams): string {
  return canonicalJson({ v: CACHE_KEY_VERSION, identity, params });
}

export function cacheKeyWithPrefix(prefix: string, messages: readonly KeyMessage[]): string {
  // One array per message in a fixed order: unambiguous, and no key sorting per item.
  let text = prefix;
  for (const m of messages) text += JSON.stringify([m.role, m.content, m.images ?? null]);
  // One-shot hashing: no Hash object per item (the bytes hashed are the same as before).
  return hash('sha256', text, 'hex');
}

export function cacheKey(identity: Record<string, unknown>, messages: readonly KeyMessage[], params: GenerationParams): string {
  return cacheKeyWithPrefix(cacheKeyPrefix(identity, params), messages);
}
