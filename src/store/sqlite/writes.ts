/**
 * The SQLite store's bulk writes as plain data. The caller's thread turns a batch of results (or
 * items) into one JSON string — a single native JSON.stringify, far cheaper than cloning thousands
 * of small values between threads — and `WriteApplier` decodes and applies it in one transaction,
 * on the writer thread (writer-thread.ts) or inline. Everything else about a row (its other JSON
 * columns, the cache entry's text) is computed on the applying side, off the event loop.
 */
import type Database from 'better-sqlite3';
import type { Item, Message } from '../../items/schema.js';
import type { Verdict } from '../../evaluators/evaluator.js';
import type { SutResponse } from '../../suts/sut.js';
import type { ResultRecord } from '../store.js';
import { cachePrefix } from './cache-prefix.js';

/** A result on the wire: positional, so that no key is repeated per result. */
type WireResult = [
  runId: string, sut: string, itemId: string, seq: number, category: string, expected: string, persona: string,
  /** null: the same messages as the stored item (read back from `items`). */
  messages: Message[] | null,
  response: SutResponse | null, refused: boolean | null, unsafe: boolean | null, correct: boolean | null,
  verdicts: Verdict[], error: string | null, attempts: number, cached: boolean, latencyMs: number | null,
  attack: { name: string; version: string; params: Record<string, unknown>; seedItemId: string } | null,
  tags: string[] | null, cacheKey: string | null, createdAt: string,
];

/**
 * Record a run × SUT's reuse key and copy into it the finished, error-free results of an earlier
 * run with that key (`fromRun`, if any) — in one transaction, so a kill cannot leave the key
 * recorded without the results.
 */
export interface ReuseRequest {
  runId: string;
  sut: string;
  reuseKey: string;
  fromRun: string | null;
}

export type WriteOp =
  | { op: 'results'; json: string; images?: [sha256: string, mediaType: string, data: Uint8Array][] }
  | { op: 'items'; suiteHash: string; json: string }
  | { op: 'cachePut'; key: string; sut: string; responseJson: string }
  | { op: 'reuse'; reuse: ReuseRequest }
  /** Nothing to write: sent as urgent, it commits what is waiting with it. */
  | { op: 'flush' };

export function encodeResults(batch: readonly ResultRecord[]): Extract<WriteOp, { op: 'results' }> {
  const now = new Date().toISOString();
  const images: NonNullable<Extract<WriteOp, { op: 'results' }>['images']> = [];
  const wire = batch.map((r): WireResult => {
    for (const image of r.images ?? []) images.push([image.sha256, image.mediaType, image.data]);
    const item = r.item;
    return [
      r.run_id, r.sut, r.attack ? r.attack.item_id : item.id, r.seq, item.category, item.expected, item.persona,
      // The item as written is stored once per suite; only what differs is stored per result.
      r.messages_shown === item.messages && !r.attack ? null : r.messages_shown,
      r.response, r.refused, r.unsafe, r.correct, r.verdicts, r.error, r.attempts, r.cached, r.latency_ms,
      r.attack ? { name: r.attack.name, version: r.attack.version, params: r.attack.params, seedItemId: item.id } : null,
      item.tags && item.tags.length > 0 ? item.tags : null,
      r.cache_entry ? r.cache_entry.key : null,
      now,
    ];
  });
  return images.length > 0 ? { op: 'results', json: JSON.stringify(wire), images } : { op: 'results', json: JSON.stringify(wire) };
}

export function encodeItems(suiteHash: string, items: readonly Item[]): Extract<WriteOp, { op: 'items' }> {
  return { op: 'items', suiteHash, json: JSON.stringify(items) };
}

export const RESULT_COLUMNS = [
  'run_id', 'sut', 'item_id', 'seq', 'category', 'expected', 'persona', 'messages_json',
  'response', 'reasoning', 'truncated', 'truncated_in_reasoning', 'finish_reason', 'usage_json', 'refused', 'unsafe', 'correct',
  'verdicts_json', 'error', 'attempts', 'cached', 'latency_ms', 'created_at', 'attack', 'attack_version', 'seed_item_id',
  'attack_params_json', 'tags_json', 'evaluator_error',
] as const;

type Cell = string | number | null;
const bool = (v: boolean | null | undefined): number | null => (v === null || v === undefined ? null : v ? 1 : 0);

/** The `results` row of a wire result, in RESULT_COLUMNS order. */
function resultRow(w: WireResult): Cell[] {
  const [runId, sut, itemId, seq, category, expected, persona, messages, res, refused, unsafe, correct, verdicts, error, attempts, cached, latency, attack, tags, , createdAt] = w;
  return [
    runId, sut, itemId, seq, category, expected, persona, messages === null ? null : JSON.stringify(messages),
    res?.text ?? null, res?.reasoning ?? null, res?.truncated ? 1 : 0, res?.truncatedInReasoning ? 1 : 0,
    res?.finishReason ?? null, res?.usage ? JSON.stringify(res.usage) : null,
    bool(refused), bool(unsafe), bool(correct), JSON.stringify(verdicts), error, attempts, cached ? 1 : 0, latency, createdAt,
    attack?.name ?? null, attack?.version ?? null, attack?.seedItemId ?? null, attack ? JSON.stringify(attack.params) : null,
    tags ? JSON.stringify(tags) : null,
    verdicts.some((v) => v.error) ? 1 : 0,
  ];
}

/** Copied columns of a reused result: everything but the run, the time and the call figures. */
const COPIED = RESULT_COLUMNS.filter((c) => !['run_id', 'cached', 'attempts', 'latency_ms', 'created_at'].includes(c));

/** Applies write operations with its own prepared statements, one transaction per call. */
export class WriteApplier {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      insertResult: db.prepare(`INSERT OR IGNORE INTO results (${RESULT_COLUMNS.join(', ')}) VALUES (${RESULT_COLUMNS.map(() => '?').join(', ')})`),
      insertImage: db.prepare('INSERT OR IGNORE INTO images (sha256, media_type, data) VALUES (?, ?, ?)'),
      insertError: db.prepare('INSERT INTO errors (run_id, sut, item_id, stage, message, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      cachePut: db.prepare('INSERT OR REPLACE INTO response_cache (key_prefix, key, sut, response_json, created_at) VALUES (?, ?, ?, ?, ?)'),
      saveItem: db.prepare('INSERT OR IGNORE INTO items (suite_hash, item_id, category, expected, persona, item_json) VALUES (?, ?, ?, ?, ?, ?)'),
      copy: db.prepare(`INSERT OR IGNORE INTO results (run_id, cached, attempts, latency_ms, created_at, ${COPIED.join(', ')})
        SELECT @runId, 1, 0, NULL, @now, ${COPIED.join(', ')} FROM results
        WHERE run_id = @fromRun AND sut = @sut AND error IS NULL AND evaluator_error = 0`),
      resultSet: db.prepare('INSERT OR REPLACE INTO result_sets (run_id, sut, reuse_key) VALUES (?, ?, ?)'),
    };
  }

  /** All operations in one transaction: they commit together or not at all. */
  apply(ops: readonly WriteOp[]): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const op of ops) this.applyOne(op, now);
    })();
  }

  private applyOne(op: WriteOp, now: string): void {
    const s = this.s;
    switch (op.op) {
      case 'results':
        for (const [sha, type, data] of op.images ?? []) s.insertImage.run(sha, type, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
        for (const w of JSON.parse(op.json) as WireResult[]) this.insertResult(w, now);
        return;
      case 'items':
        for (const item of JSON.parse(op.json) as Item[]) s.saveItem.run(op.suiteHash, item.id, item.category, item.expected, item.persona, JSON.stringify(item));
        return;
      case 'cachePut':
        this.putCache(op.key, op.sut, op.responseJson, now);
        return;
      case 'flush':
        return;
      case 'reuse': {
        const { runId, sut, reuseKey, fromRun } = op.reuse;
        s.resultSet.run(runId, sut, reuseKey);
        if (fromRun !== null) s.copy.run({ runId, sut, fromRun, now });
        return;
      }
    }
  }

  /** Every cache entry is stored under its key's prefix (cache-prefix.ts), the full key beside it. */
  private putCache(key: string, sut: string, responseJson: string, now: string): void {
    this.s.cachePut.run(cachePrefix(key), key, sut, responseJson, now);
  }

  private insertResult(w: WireResult, now: string): void {
    const s = this.s;
    const [runId, sut, itemId, , , , , , response, , , , verdicts, error, attempts] = w;
    const inserted = s.insertResult.run(resultRow(w));
    const cacheKey = w[19];
    if (cacheKey !== null && response) this.putCache(cacheKey, sut, JSON.stringify(response), now);
    if (inserted.changes === 0) return; // already stored (resume overlap): keep the first, add nothing
    for (const v of verdicts) if (v.error) s.insertError.run(runId, sut, itemId, `evaluator:${v.evaluator}`, v.error, 1, now);
    if (error) s.insertError.run(runId, sut, itemId, 'sut', error, attempts, now);
  }
}
