/**
 * SUT (system under test): one small interface every model adapter implements.
 * Adapters are pure I/O: no retries, no caching, no limits — the runner owns those.
 */
import type { Message } from '../items/schema.js';

/** A message whose images are already resolved to bytes. */
export interface SutImage {
  mediaType: string;
  /** Raw image bytes, base64-encoded. */
  base64: string;
}
export interface SutMessage {
  role: Message['role'];
  content: string;
  images?: SutImage[];
}

export interface GenerationParams {
  temperature?: number;
  /** Budget for the visible answer. */
  max_tokens?: number;
  /** Extra budget for reasoning ("thinking") tokens, added on top of max_tokens. */
  reasoning_budget?: number;
  seed?: number;
  top_p?: number;
}

export interface SutRequest {
  /** Item id, for adapters (replay) that answer by item. */
  itemId: string;
  messages: SutMessage[];
  params: GenerationParams;
  signal?: AbortSignal;
}

export interface SutResponse {
  /** The answer the evaluators judge: reasoning already removed. */
  text: string;
  /** Reasoning text (reasoning_content or <think> blocks), stored but never judged. */
  reasoning?: string;
  /** True when the model stopped because of a token limit. */
  truncated: boolean;
  /** True when the limit hit while still reasoning, so there is no answer at all. */
  truncatedInReasoning?: boolean;
  finishReason?: string;
  usage?: { promptTokens?: number; completionTokens?: number; reasoningTokens?: number };
}

export interface Sut {
  /** Stable id used in results (the spec string or a user label). */
  readonly id: string;
  /** Everything that changes the output, minus secrets: part of the cache key. */
  readonly identity: Record<string, unknown>;
  /** Concurrency the runner uses when the user gives none. */
  readonly defaultConcurrency: number;
  /** Whether responses may be cached (false for replay files that can change). */
  readonly cacheable: boolean;
  generate(request: SutRequest): Promise<SutResponse>;
  /** Called before the suite is validated: API adapters open their connections meanwhile. */
  warmUp?(): void;
  close?(): Promise<void>;
}

/** An error the runner may retry (network, timeout, 429, 5xx, garbage body). */
export class RetryableError extends Error {
  constructor(
    message: string,
    /** Milliseconds the server asked us to wait (Retry-After), if any. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** An error retrying cannot fix (4xx other than 408/429, bad config). */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}
