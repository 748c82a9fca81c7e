/**
 * Versioned schema migrations for the SQLite store. Append only: never edit a
 * migration that has shipped; add the next version instead.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'suites, items, runs, results, verdicts, errors, response cache',
    sql: `
      CREATE TABLE suites (
        hash TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        source TEXT NOT NULL,
        visibility TEXT NOT NULL,
        item_count INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE items (
        suite_hash TEXT NOT NULL REFERENCES suites(hash),
        item_id TEXT NOT NULL,
        category TEXT NOT NULL,
        expected TEXT NOT NULL,
        persona TEXT NOT NULL,
        item_json TEXT NOT NULL,
        PRIMARY KEY (suite_hash, item_id)
      ) WITHOUT ROWID;
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        suite_hash TEXT NOT NULL REFERENCES suites(hash),
        suite_name TEXT NOT NULL,
        suite_version TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        config_json TEXT NOT NULL
      );
      CREATE TABLE results (
        run_id TEXT NOT NULL REFERENCES runs(id),
        sut TEXT NOT NULL,
        item_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        category TEXT NOT NULL,
        expected TEXT NOT NULL,
        persona TEXT NOT NULL,
        messages_json TEXT NOT NULL,
        response TEXT,
        reasoning TEXT,
        truncated INTEGER NOT NULL DEFAULT 0,
        truncated_in_reasoning INTEGER NOT NULL DEFAULT 0,
        finish_reason TEXT,
        usage_json TEXT,
        refused INTEGER,
        unsafe INTEGER,
        correct INTEGER,
        verdicts_json TEXT NOT NULL,
        error TEXT,
        attempts INTEGER NOT NULL,
        cached INTEGER NOT NULL,
        latency_ms REAL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, sut, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX results_order ON results (run_id, sut, seq);
      CREATE TABLE verdicts (
        run_id TEXT NOT NULL,
        sut TEXT NOT NULL,
        item_id TEXT NOT NULL,
        evaluator TEXT NOT NULL,
        evaluator_version TEXT NOT NULL,
        kind TEXT NOT NULL,
        label TEXT NOT NULL,
        score REAL,
        refused INTEGER,
        unsafe INTEGER,
        correct INTEGER,
        rationale TEXT,
        error TEXT,
        PRIMARY KEY (run_id, sut, item_id, evaluator)
      ) WITHOUT ROWID;
      CREATE TABLE errors (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL,
        sut TEXT NOT NULL,
        item_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        message TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX errors_run ON errors (run_id);
      CREATE TABLE response_cache (
        key TEXT PRIMARY KEY,
        sut TEXT NOT NULL,
        response_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'attacks: attacked results link to their seed item; images stored with the run',
    sql: `
      ALTER TABLE results ADD COLUMN attack TEXT;
      ALTER TABLE results ADD COLUMN attack_version TEXT;
      ALTER TABLE results ADD COLUMN seed_item_id TEXT;
      ALTER TABLE results ADD COLUMN attack_params_json TEXT;
      CREATE TABLE images (
        sha256 TEXT PRIMARY KEY,
        media_type TEXT NOT NULL,
        data BLOB NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'item tags on results (e.g. level:L1 for grounding items)',
    sql: `ALTER TABLE results ADD COLUMN tags_json TEXT;`,
  },
  {
    version: 4,
    description: 'faster writes: results and response cache as rowid tables (large rows), verdicts stored once (a view over results), reusable result sets',
    // Large rows in a WITHOUT ROWID table are written into the key's B-tree: every insert moves whole
    // rows around and dirties many pages. As rowid tables the rows are appended and only the small
    // indexes take random inserts — about half the cost per result, measured in docs/performance.md.
    sql: `
      CREATE TABLE results_v4 (
        run_id TEXT NOT NULL REFERENCES runs(id),
        sut TEXT NOT NULL,
        item_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        category TEXT NOT NULL,
        expected TEXT NOT NULL,
        persona TEXT NOT NULL,
        -- NULL when the messages are the item's own (stored once in items)
        messages_json TEXT,
        response TEXT,
        reasoning TEXT,
        truncated INTEGER NOT NULL DEFAULT 0,
        truncated_in_reasoning INTEGER NOT NULL DEFAULT 0,
        finish_reason TEXT,
        usage_json TEXT,
        refused INTEGER,
        unsafe INTEGER,
        correct INTEGER,
        verdicts_json TEXT NOT NULL,
        error TEXT,
        attempts INTEGER NOT NULL,
        cached INTEGER NOT NULL,
        latency_ms REAL,
        created_at TEXT NOT NULL,
        attack TEXT,
        attack_version TEXT,
        seed_item_id TEXT,
        attack_params_json TEXT,
        tags_json TEXT,
        -- whether any verdict of this result is an evaluator error (such a result is not reused)
        evaluator_error INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO results_v4 (run_id, sut, item_id, seq, category, expected, persona, messages_json, response, reasoning, truncated, truncated_in_reasoning, finish_reason, usage_json, refused, unsafe, correct, verdicts_json, error, attempts, cached, latency_ms, created_at, attack, attack_version, seed_item_id, attack_params_json, tags_json, evaluator_error)
        SELECT run_id, sut, item_id, seq, category, expected, persona, messages_json, response, reasoning, truncated, truncated_in_reasoning, finish_reason, usage_json, refused, unsafe, correct, verdicts_json, error, attempts, cached, latency_ms, created_at, attack, attack_version, seed_item_id, attack_params_json, tags_json, EXISTS (SELECT 1 FROM json_each(verdicts_json) v WHERE json_extract(v.value, '$.error') IS NOT NULL) FROM results;
      DROP TABLE results;
      ALTER TABLE results_v4 RENAME TO results;
      CREATE UNIQUE INDEX results_pair ON results (run_id, sut, item_id);
      CREATE INDEX results_order ON results (run_id, sut, seq);

      -- Verdicts were stored twice (results.verdicts_json and this table); now once, queryable as before.
      DROP TABLE verdicts;
      CREATE VIEW verdicts AS
        SELECT r.run_id, r.sut, r.item_id,
          json_extract(v.value, '$.evaluator') AS evaluator,
          json_extract(v.value, '$.version') AS evaluator_version,
          json_extract(v.value, '$.kind') AS kind,
          json_extract(v.value, '$.label') AS label,
          json_extract(v.value, '$.score') AS score,
          json_extract(v.value, '$.refused') AS refused,
          json_extract(v.value, '$.unsafe') AS unsafe,
          json_extract(v.value, '$.correct') AS correct,
          json_extract(v.value, '$.rationale') AS rationale,
          json_extract(v.value, '$.error') AS error
        FROM results r, json_each(r.verdicts_json) v;

      CREATE TABLE response_cache_v4 (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        sut TEXT NOT NULL,
        response_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      INSERT INTO response_cache_v4 (key, sut, response_json, created_at) SELECT key, sut, response_json, created_at FROM response_cache;
      DROP TABLE response_cache;
      ALTER TABLE response_cache_v4 RENAME TO response_cache;

      -- One row per run × SUT: what its results depend on (suite, SUT identity and parameters,
      -- evaluators, attacks). A later run with the same reuse key copies the finished results
      -- instead of evaluating them again.
      CREATE TABLE result_sets (
        run_id TEXT NOT NULL REFERENCES runs(id),
        sut TEXT NOT NULL,
        reuse_key TEXT NOT NULL,
        PRIMARY KEY (run_id, sut)
      ) WITHOUT ROWID;
      CREATE INDEX result_sets_reuse ON result_sets (reuse_key);
    `,
  },
  {
    version: 5,
    description: 'response cache looked up by a 16-byte key prefix (the tag and the first 8 bytes of the hash); the full key is kept and checked on read',
    // The unique index on the 81-character text key was half of the writer thread's work per result:
    // 19 µs per insert against 8–8.5 with a 16-byte one (docs/performance.md). Keys not of the
    // current form '<16 hex>:<64 hex>' (older key versions) can never be looked up again: dropped.
    sql: `
      CREATE TABLE response_cache_v5 (
        id INTEGER PRIMARY KEY,
        key_prefix BLOB NOT NULL UNIQUE,
        key TEXT NOT NULL,
        sut TEXT NOT NULL,
        response_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      INSERT OR REPLACE INTO response_cache_v5 (key_prefix, key, sut, response_json, created_at)
        SELECT unhex(substr(key, 1, 16) || substr(key, 18, 16)), key, sut, response_json, created_at FROM response_cache
        WHERE length(key) = 81 AND substr(key, 17, 1) = ':' AND unhex(substr(key, 1, 16) || substr(key, 18, 64)) IS NOT NULL
        ORDER BY id;
      DROP TABLE response_cache;
      ALTER TABLE response_cache_v5 RENAME TO response_cache;
    `,
  },
];
