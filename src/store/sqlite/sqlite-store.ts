/**
 * The embedded default store: one SQLite file, WAL mode. Bulk writes (results, items, cache
 * entries) run on a writer thread with its own connection (writer.ts); reads and the few
 * run-level writes use this connection.
 */
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Item } from '../../items/schema.js';
import type { SutResponse } from '../../suts/sut.js';
import type { ResultRow } from '../../scoring/types.js';
import type { ResultRecord, RunRecord, RunStatus, Store, SuiteRecord } from '../store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { rowToResult, type ResultDbRow } from '../result-row.js';
import { openConnection } from './connection.js';
import { encodeItems, encodeResults } from './writes.js';
import { InlineWriter, ThreadWriter, type SqliteWriter } from './writer.js';
import { cachePrefix, tagRange } from './cache-prefix.js';

export const DEFAULT_STORE_PATH = '.jai-trust/jai-trust.db';
const RESULT_PAGE_SIZE = 500;
/** Keys per batched look-up (SQLite allows 32,766 parameters; small batches keep each query short). */
const LOOKUP_BATCH = 128;

/** A run as stored: the record with its configuration as JSON text. */
type RunDbRow = Omit<RunRecord, 'config'> & { config_json: string };

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements;
  private readonly writer: SqliteWriter;
  private readonly lookups = new Map<string, Database.Statement>();

  /**
   * `writerThread: false` writes inline on this connection (always so for ':memory:');
   * `groupCommitMs`: how long the writer thread gathers writes before committing them together.
   */
  constructor(readonly path: string, options: { writerThread?: boolean; groupCommitMs?: number } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = openConnection(path);
    this.migrateSync();
    this.statements = this.prepare();
    this.writer = path !== ':memory:' && options.writerThread !== false ? new ThreadWriter({ path, ...(options.groupCommitMs !== undefined ? { groupCommitMs: options.groupCommitMs } : {}) }) : new InlineWriter(this.db);
  }

  prepareWrites(): void {
    this.writer.warmUp();
  }

  private migrateSync(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)')
          .run(migration.version, migration.description, new Date().toISOString());
      })();
    }
  }

  private prepare() {
    const db = this.db;
    return {
      saveSuite: db.prepare(
        'INSERT OR IGNORE INTO suites (hash, name, version, source, visibility, item_count, created_at) VALUES (@hash, @name, @version, @source, @visibility, @item_count, @created_at)',
      ),
      countItems: db.prepare('SELECT count(*) FROM items WHERE suite_hash = ?').pluck(),
      createRun: db.prepare(
        'INSERT INTO runs (id, created_at, finished_at, status, suite_hash, suite_name, suite_version, tool_version, config_json) VALUES (@id, @created_at, @finished_at, @status, @suite_hash, @suite_name, @suite_version, @tool_version, @config_json)',
      ),
      getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
      listRuns: db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?'),
      setStatus: db.prepare('UPDATE runs SET status = ?, finished_at = ? WHERE id = ?'),
      hasResult: db.prepare('SELECT 1 FROM results WHERE run_id = ? AND sut = ? AND item_id = ?').pluck(),
      countSutResults: db.prepare('SELECT count(*) FROM results WHERE run_id = ? AND sut = ?').pluck(),
      reusable: db.prepare(`SELECT s.run_id FROM result_sets s JOIN runs r ON r.id = s.run_id
        WHERE s.reuse_key = ? AND s.run_id <> ? ORDER BY r.created_at DESC, r.id DESC LIMIT 1`).pluck(),
      countResults: db.prepare('SELECT count(*) FROM results WHERE run_id = ?').pluck(),
      getImage: db.prepare('SELECT media_type, data FROM images WHERE sha256 = ?'),
      // The prefixes of a tag's keys are one range of the prefix index (see cache-prefix.ts): one probe.
      cacheHasTag: db.prepare('SELECT 1 FROM response_cache WHERE key_prefix BETWEEN ? AND ? LIMIT 1').pluck(),
      // Keyset pages: no statement stays open between pages, so callers may interleave other queries.
      suts: db.prepare('SELECT DISTINCT sut FROM results WHERE run_id = ? ORDER BY sut').pluck(),
      // A result whose messages are the item's own stores none (messages_json NULL): read them from the item.
      page: db.prepare(`SELECT r.*, coalesce(r.messages_json, json_extract(i.item_json, '$.messages')) AS messages_json
        FROM results r JOIN runs u ON u.id = r.run_id LEFT JOIN items i ON i.suite_hash = u.suite_hash AND i.item_id = r.item_id
        WHERE r.run_id = ? AND r.sut = ? AND r.seq > ? ORDER BY r.seq LIMIT ?`),
    };
  }

  async migrate(): Promise<void> {
    this.migrateSync();
  }

  async saveSuite(suite: SuiteRecord): Promise<void> {
    this.statements.saveSuite.run({ ...suite, created_at: new Date().toISOString() });
  }

  async saveItems(suiteHash: string, items: Item[]): Promise<void> {
    await this.writer.submit(encodeItems(suiteHash, items));
  }

  async countItems(suiteHash: string): Promise<number> {
    return this.statements.countItems.get(suiteHash) as number;
  }

  async createRun(run: RunRecord): Promise<void> {
    this.statements.createRun.run({ ...run, config_json: JSON.stringify(run.config) });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = this.statements.getRun.get(id) as RunDbRow | undefined;
    return row ? toRunRecord(row) : undefined;
  }

  async listRuns(limit = 1000): Promise<RunRecord[]> {
    return (this.statements.listRuns.all(limit) as RunDbRow[]).map(toRunRecord);
  }

  async latestRunId(): Promise<string | undefined> {
    return (this.statements.listRuns.get(1) as RunDbRow | undefined)?.id;
  }

  async setRunStatus(id: string, status: RunStatus, finishedAt?: string): Promise<void> {
    this.statements.setStatus.run(status, finishedAt ?? null, id);
  }

  async hasResult(runId: string, sut: string, itemId: string): Promise<boolean> {
    return this.statements.hasResult.get(runId, sut, itemId) !== undefined;
  }

  async countResults(runId: string): Promise<number> {
    return this.statements.countResults.get(runId) as number;
  }

  writeResults(batch: ResultRecord[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    return this.writer.submit(encodeResults(batch));
  }

  flush(): Promise<void> {
    return this.writer.submit({ op: 'flush' }, true);
  }

  async doneItemIds(runId: string, sut: string, itemIds: readonly string[]): Promise<Set<string>> {
    const done = new Set<string>();
    for (let i = 0; i < itemIds.length; i += LOOKUP_BATCH) {
      const ids = itemIds.slice(i, i + LOOKUP_BATCH);
      for (const id of this.lookup('done', ids.length).all(runId, sut, ...ids) as string[]) done.add(id);
    }
    return done;
  }

  async countSutResults(runId: string, sut: string): Promise<number> {
    return this.statements.countSutResults.get(runId, sut) as number;
  }

  async reuseResults(runId: string, sut: string, reuseKey: string): Promise<string | undefined> {
    const from = this.statements.reusable.get(reuseKey, runId) as string | undefined;
    await this.writer.submit({ op: 'reuse', reuse: { runId, sut, reuseKey, fromRun: from ?? null } }, true);
    return from;
  }

  async cacheHasTag(tag: string): Promise<boolean> {
    return this.statements.cacheHasTag.get(...tagRange(tag)) !== undefined;
  }

  async cacheGetMany(keys: readonly string[]): Promise<Map<string, SutResponse>> {
    const found = new Map<string, SutResponse>();
    for (let i = 0; i < keys.length; i += LOOKUP_BATCH) {
      const batch = keys.slice(i, i + LOOKUP_BATCH);
      const wanted = new Set(batch);
      // Found by prefix; only a row whose full key is one of those asked for is an answer.
      for (const [key, json] of this.lookup('cache', batch.length).all(...batch.map(cachePrefix)) as [string, string][]) {
        if (wanted.has(key)) found.set(key, JSON.parse(json) as SutResponse);
      }
    }
    return found;
  }

  /** Batched look-ups, one prepared statement per query and batch size (full batches and a few remainders). */
  private lookup(query: 'done' | 'cache', size: number): Database.Statement {
    const id = `${query}:${size}`;
    let statement = this.lookups.get(id);
    if (statement) return statement;
    const keys = Array(size).fill('?').join(', ');
    statement =
      query === 'done'
        ? this.db.prepare(`SELECT item_id FROM results WHERE run_id = ? AND sut = ? AND item_id IN (${keys})`).pluck()
        : this.db.prepare(`SELECT key, response_json FROM response_cache WHERE key_prefix IN (${keys})`).raw();
    this.lookups.set(id, statement);
    return statement;
  }

  async cacheGet(key: string): Promise<SutResponse | undefined> {
    return (await this.cacheGetMany([key])).get(key);
  }

  async imageDataUrl(sha256: string): Promise<string | undefined> {
    const row = this.statements.getImage.get(sha256) as { media_type: string; data: Buffer } | undefined;
    return row ? `data:${row.media_type};base64,${row.data.toString('base64')}` : undefined;
  }

  async cachePut(key: string, sut: string, response: SutResponse): Promise<void> {
    await this.writer.submit({ op: 'cachePut', key, sut, responseJson: JSON.stringify(response) }, true);
  }

  async *iterateResults(runId: string, options: { redact?: boolean } = {}): AsyncIterable<ResultRow> {
    for (const sut of this.statements.suts.all(runId) as string[]) {
      let seq = -1;
      for (;;) {
        const rows = this.statements.page.all(runId, sut, seq, RESULT_PAGE_SIZE) as (ResultDbRow & { seq: number })[];
        for (const row of rows) yield rowToResult(row, options.redact ?? false);
        const last = rows[rows.length - 1];
        if (!last || rows.length < RESULT_PAGE_SIZE) break;
        seq = last.seq;
      }
    }
  }

  async close(): Promise<void> {
    await this.writer.close();
    this.db.close();
  }
}

function toRunRecord(row: RunDbRow): RunRecord {
  const { config_json, ...rest } = row;
  return { ...rest, config: JSON.parse(config_json) as unknown };
}
