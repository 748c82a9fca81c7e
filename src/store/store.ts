/**
 * The store interface. The embedded default is SQLite (sqlite/sqlite-store.ts); a shared
 * PostgreSQL backend implements the same interface. Every method is async so that a
 * networked backend fits without changing callers. Secrets never reach the store: callers
 * pass SUT identities and configs that hold env var *names*, never keys.
 */
import type { Item } from '../items/schema.js';
import type { Verdict } from '../evaluators/evaluator.js';
import type { SutResponse } from '../suts/sut.js';
import type { ResultRow } from '../scoring/types.js';

export type RunStatus = 'running' | 'interrupted' | 'completed' | 'failed';

export interface SuiteRecord {
  hash: string;
  name: string;
  version: string;
  source: string;
  visibility: 'public' | 'hidden';
  item_count: number;
}

export interface RunRecord {
  id: string;
  created_at: string;
  finished_at: string | null;
  status: RunStatus;
  suite_hash: string;
  suite_name: string;
  suite_version: string;
  tool_version: string;
  /** The run's configuration as given (SUT specs, params, evaluators, limits) — no secrets. */
  config: unknown;
}

/** One item × SUT outcome as the runner hands it to the store. */
export interface ResultRecord {
  run_id: string;
  sut: string;
  item: Item;
  /** Position of the item in the suite, to keep report order stable. */
  seq: number;
  /** Messages as shown in reports: image bytes replaced by their hash. */
  messages_shown: Item['messages'];
  response: SutResponse | null;
  refused: boolean | null;
  unsafe: boolean | null;
  correct: boolean | null;
  verdicts: Verdict[];
  error: string | null;
  attempts: number;
  cached: boolean;
  latency_ms: number | null;
  /** For an attacked variant: which attack, and the seed item it was made from (item is the seed). */
  attack?: { name: string; version: string; params: Record<string, unknown>; item_id: string };
  /** Generated images the messages refer to by hash, stored once for reports. */
  images?: { sha256: string; mediaType: string; data: Buffer }[];
  /** A fresh model response to remember under this key (absent for cache hits and errors). */
  cache_entry?: { key: string; response: SutResponse };
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Apply pending migrations. */
  migrate(): Promise<void>;
  saveSuite(suite: SuiteRecord): Promise<void>;
  /** Idempotent: items already stored for this suite hash are left as they are. */
  saveItems(suiteHash: string, items: Item[]): Promise<void>;
  countItems(suiteHash: string): Promise<number>;
  /**
   * Get ready for a run's writes ahead of time (the SQLite store starts its writer thread), so that
   * this overlaps with the run's preparation instead of delaying its first results. Optional.
   */
  prepareWrites(): void;
  createRun(run: RunRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(limit?: number): Promise<RunRecord[]>;
  /** The id of the most recent run, for `report latest` and friends. */
  latestRunId(): Promise<string | undefined>;
  setRunStatus(id: string, status: RunStatus, finishedAt?: string): Promise<void>;
  /** Whether an item × SUT already has its result in this run (resume). */
  hasResult(runId: string, sut: string, itemId: string): Promise<boolean>;
  countResults(runId: string): Promise<number>;
  /**
   * Atomically write a batch of results, their verdicts, errors and cache entries. Duplicates are
   * ignored. Batches are committed in the order they are given; the promise settles on commit.
   */
  writeResults(batch: ResultRecord[]): Promise<void>;
  /** Commit everything handed over so far now, without waiting for a group commit; settles once committed. */
  flush(): Promise<void>;
  /** Which of these items already have a result for this SUT in this run (resume). */
  doneItemIds(runId: string, sut: string, itemIds: readonly string[]): Promise<Set<string>>;
  /**
   * Record what this run × SUT's results depend on (`reuseKey`), and copy into it the finished,
   * error-free results of the latest other run with the same key. Returns that run's id, if any.
   */
  reuseResults(runId: string, sut: string, reuseKey: string): Promise<string | undefined>;
  countSutResults(runId: string, sut: string): Promise<number>;
  cacheGet(key: string): Promise<SutResponse | undefined>;
  /** Whether the cache holds any key of this tag (`<tag>:…`, see runner/cache-key.ts). */
  cacheHasTag(tag: string): Promise<boolean>;
  /** The cached responses of those keys that have one. */
  cacheGetMany(keys: readonly string[]): Promise<Map<string, SutResponse>>;
  /** A stored image as a data: URL, for reports. */
  imageDataUrl(sha256: string): Promise<string | undefined>;
  /** Remember a response outside a result batch (judge calls). */
  cachePut(key: string, sut: string, response: SutResponse): Promise<void>;
  /** All results of a run in suite order, one at a time. */
  iterateResults(runId: string, options?: { redact?: boolean }): AsyncIterable<ResultRow>;
  close(): Promise<void>;
}
