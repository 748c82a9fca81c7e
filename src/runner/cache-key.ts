/**
 * Response cache key: everything that changes a model's answer — the SUT's identity
 * (provider, model, endpoint, file hash; never a key), the messages with image hashes,
 * and the generation parameters — hashed. The identity and parameters are the same for
 * every item of a SUT: their canonical form and a short tag of it form the key space,
 * computed once per SUT; per item only the messages are serialised, in a fixed shape.
 *
 * Keys are `<tag>:<sha256>`: all keys of one SUT configuration share the tag, so the store can
 * tell in one index probe whether it has anything cached for it at all.
 */
import { hash } from 'node:crypto';
import { canonicalJson } from '../text/canonical-json.js';
import type { GenerationParams } from '../suts/sut.js';

export const CACHE_KEY_VERSION = 3;

interface KeyMessage {
  role: string;
  content: string;
  images?: readonly string[];
}

export interface KeySpace {
  /** Canonical JSON of the key version, SUT identity and parameters. */
  prefix: string;
  /** The first 16 hex digits of its SHA-256: the key prefix shared by this configuration. */
  tag: string;
}

export function keySpace(identity: Record<string, unknown>, params: GenerationParams): KeySpace {
  const prefix = canonicalJson({ v: CACHE_KEY_VERSION, identity, params });
  return { prefix, tag: hash('sha256', prefix, 'hex').slice(0, 16) };
}

export function cacheKeyIn(space: KeySpace, messages: readonly KeyMessage[]): string {
  // One array per message in a fixed order: unambiguous, and no key sorting per item.
  let text = space.prefix;
  for (const m of messages) text += JSON.stringify([m.role, m.content, m.images ?? null]);
  // One-shot hashing: no Hash object per item.
  return `${space.tag}:${hash('sha256', text, 'hex')}`;
}

export function cacheKey(identity: Record<string, unknown>, messages: readonly KeyMessage[], params: GenerationParams): string {
  return cacheKeyIn(keySpace(identity, params), messages);
}
