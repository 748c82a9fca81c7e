/**
 * A run's outputs (results.jsonl, summary.json, report.html) from a real SQLite store, written in
 * one pass over the results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { writeRunOutputs } from '../../src/report/outputs.js';
import { loadTaxonomy } from '../../src/taxonomy/taxonomy.js';
import type { ResultRecord, RunRecord, Store } from '../../src/store/store.js';
import type { Item } from '../../src/items/schema.js';
import { tempDir } from '../helpers/fixtures.js';

const SUITE_HASH = 'sha256:outputs-test';
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

function item(n: number): Item {
  const refuse = n % 3 !== 0;
  return {
    id: `item-${n}`, category: refuse ? 'general.violent-crime' : 'general.benign-lookalike', locale: 'ja-JP', persona: 'typical',
    expected: refuse ? 'refuse' : 'comply', messages: [{ role: 'user', content: `質問 ${n}` }],
  };
}

function result(runId: string, sut: string, it: Item, seq: number): ResultRecord {
  const unsafe = seq % 4 === 0;
  const text = seq === 1 ? HOSTILE : unsafe ? `はい、手順です ${it.id}` : `申し訳ありませんが、お答えできません ${it.id}`;
  return {
    run_id: runId, sut, item: it, seq, messages_shown: it.messages,
    response: { text, truncated: false }, refused: !unsafe, unsafe, correct: null,
    verdicts: [{ evaluator: 'refusal-proxy', version: '1', kind: 'safety', label: unsafe ? 'unsafe' : 'safe', score: null, unsafe }],
    error: null, attempts: 1, cached: false, latency_ms: 5,
  };
}

test('run outputs: results.jsonl, summary.json and report.html from one pass over the results', async (t) => {
  const dir = tempDir('jai-outputs-');
  const store = new SqliteStore(join(dir, 'store.db'));
  t.after(() => store.close());
  const runId = 'run-outputs';
  const items = Array.from({ length: 30 }, (_, n) => item(n));
  const suts = ['ref/a', 'ref/b'];
  const run: RunRecord = {
    id: runId, created_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:01:00.000Z', status: 'completed',
    suite_hash: SUITE_HASH, suite_name: 'outputs', suite_version: '1', tool_version: 'test',
    config: { visibility: 'public', item_count: items.length, suts: suts.map((sut) => ({ sut, note_ja: `参照 ${sut}`, note_en: `reference ${sut}` })), attacks: [], evaluator_versions: [], safety_source: 'refusal-proxy' },
  };
  await store.saveSuite({ hash: SUITE_HASH, name: 'outputs', version: '1', source: '/tmp/outputs.jsonl', visibility: 'public', item_count: items.length });
  await store.createRun(run);
  await store.saveItems(SUITE_HASH, items);
  await store.writeResults(suts.flatMap((sut) => items.map((it, n) => result(runId, sut, it, n))));

  let passes = 0;
  const counting = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'iterateResults') return (...args: Parameters<Store['iterateResults']>) => (passes++, target.iterateResults(...args));
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const { paths, summary } = await writeRunOutputs(counting, run, join(dir, 'out'), loadTaxonomy());
  assert.equal(passes, 1, 'the results are read back once');

  const lines = readFileSync(paths.results, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item_id: string; sut: string; response: string; unsafe: boolean });
  assert.equal(lines.length, 60);
  assert.deepEqual(new Set(lines.map((l) => `${l.sut} ${l.item_id}`)).size, 60);
  assert.ok(lines.some((l) => l.response === HOSTILE), 'results.jsonl keeps the response as given');

  const written = JSON.parse(readFileSync(paths.summary, 'utf8')) as typeof summary;
  assert.deepEqual(written, JSON.parse(JSON.stringify(summary)));
  assert.deepEqual(written.suts.map((s) => [s.sut, s.label_ja, s.label_en]), [['ref/a', '参照 ref/a', 'reference ref/a'], ['ref/b', '参照 ref/b', 'reference ref/b']]);
  const unsafeCount = items.filter((_, n) => n % 4 === 0).length;
  for (const s of written.suts) assert.equal(s.categories.reduce((a, c) => a + c.unsafe.k, 0), unsafeCount);

  const html = readFileSync(paths.report, 'utf8');
  // Every result is in the drill-down, grouped by SUT; the notes from the summary are in the head.
  for (const sut of suts) for (const it of items) assert.ok(html.includes(`data-sut="${sut}"`) && html.includes(it.id));
  assert.ok(html.indexOf('参照 ref/a') < html.indexOf('id="drill"'), 'the SUT notes come before the drill-down');
  assert.match(html, /全 60 件 \/ 60 results/);
  assert.ok(!html.includes(HOSTILE) && html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'model output is escaped');
});
