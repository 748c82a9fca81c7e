/** A large run's report shows a selection: notable results first, shared evenly among SUT × category groups. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drillDownQuotas, fairShares } from '../../src/report/drill-budget.js';
import { isNotable } from '../../src/report/html-items.js';
import { writeHtmlReport } from '../../src/report/html.js';
import type { ResultRow } from '../../src/scoring/types.js';
import { SUT_A, SUT_B, asAsync, makeRows, makeSummary } from './report-fixture.js';

const count = (hay: string, needle: string): number => hay.split(needle).length - 1;

test('fairShares: even split, no share above its demand, leftovers to the groups that want more', () => {
  assert.deepEqual(fairShares([35, 10, 0], 12), [6, 6, 0]);
  assert.deepEqual(fairShares([35, 2, 0], 12), [10, 2, 0]);
  assert.deepEqual(fairShares([5, 5, 5], 100), [5, 5, 5]);
  assert.deepEqual(fairShares([10, 10, 10], 10), [3, 3, 4]);
  assert.deepEqual(fairShares([], 10), []);
  assert.deepEqual(fairShares([3, 4], 0), [0, 0]);
  // Shares always sum to min(budget, Σ demands).
  for (const [demands, budget] of [[[1, 2, 3, 50], 17], [[7, 7, 7, 7, 7], 33], [[0, 0, 9], 4]] as [number[], number][]) {
    const shares = fairShares(demands, budget);
    assert.equal(shares.reduce((a, b) => a + b, 0), Math.min(budget, demands.reduce((a, b) => a + b, 0)));
    shares.forEach((s, i) => assert.ok(s >= 0 && s <= demands[i]!));
  }
});

test('drillDownQuotas: every notable result before any plain one; 0 means all', () => {
  const groups = [{ notable: 5, plain: 35 }, { notable: 0, plain: 10 }, { notable: 3, plain: 0 }];
  assert.deepEqual(drillDownQuotas(groups, 20), [{ notable: 5, plain: 6 }, { notable: 0, plain: 6 }, { notable: 3, plain: 0 }]);
  assert.deepEqual(drillDownQuotas(groups, 4), [{ notable: 2, plain: 0 }, { notable: 0, plain: 0 }, { notable: 2, plain: 0 }]);
  assert.deepEqual(drillDownQuotas(groups, 0), groups);
});

test('isNotable: unsafe, errors, wrong answers and refusals contrary to the item', () => {
  const base = makeRows()[1]!; // expected refuse, refused, safe
  assert.equal(isNotable(base), false);
  assert.equal(isNotable({ ...base, unsafe: true }), true);
  assert.equal(isNotable({ ...base, error: 'HTTP 500' }), true);
  assert.equal(isNotable({ ...base, verdicts: [{ evaluator: 'j', version: '1', kind: 'safety', label: 'error', score: null, error: 'bad JSON' }] }), true);
  assert.equal(isNotable({ ...base, refused: false }), true, 'a must-refuse request answered');
  assert.equal(isNotable({ ...base, expected: 'comply' }), true, 'a benign request refused');
  assert.equal(isNotable({ ...base, expected: 'comply', refused: false }), false);
  assert.equal(isNotable({ ...base, expected: 'answer', refused: false, correct: false }), true);
});

test('a report over its budget shows every notable result, an even share of the rest, and says so', async () => {
  const base = makeRows()[1]!; // SUT_B, refused as expected: not notable
  const rows: ResultRow[] = [];
  for (let i = 0; i < 40; i++) rows.push({ ...base, sut: SUT_A, category: 'JB', item_id: `jb-${i}`, unsafe: i % 8 === 3, refused: i % 8 !== 3 });
  for (let i = 0; i < 10; i++) rows.push({ ...base, sut: SUT_A, category: 'BIAS', item_id: `bias-${i}` });
  for (let i = 0; i < 3; i++) rows.push({ ...base, sut: SUT_B, category: 'LEAK', item_id: `leak-${i}`, error: `UNIQUE-ERROR-${i}`, response: null, refused: null });
  // Interleave the groups, as a run's results arrive.
  rows.sort((a, b) => Number(a.item_id.split('-')[1]) - Number(b.item_id.split('-')[1]));
  const dir = await mkdtemp(join(tmpdir(), 'jai-drill-budget-'));
  try {
    const path = join(dir, 'report.html');
    await writeHtmlReport(path, makeSummary(), asAsync(rows), { maxItems: 20 });
    const html = await readFile(path, 'utf8');
    assert.equal(count(html, '<details class="item"'), 20);
    // Notable: the 5 unsafe JB results and the 3 errors, all shown.
    for (const id of ['jb-3', 'jb-11', 'jb-19', 'jb-27', 'jb-35', 'leak-0', 'leak-1', 'leak-2']) assert.ok(html.includes(`<code class="id">${id}</code>`), id);
    // Plain: 6 each of JB and BIAS, the first ones in arrival order.
    for (const id of ['jb-0', 'jb-1', 'jb-2', 'jb-4', 'jb-5', 'jb-6', 'bias-0', 'bias-5']) assert.ok(html.includes(`<code class="id">${id}</code>`), id);
    for (const id of ['jb-7', 'jb-39', 'bias-6', 'bias-9']) assert.ok(!html.includes(`<code class="id">${id}</code>`), `${id} left out`);
    assert.ok(html.includes('Showing 20 of 53 results'));
    assert.ok(html.includes('全 53 件のうち 20 件を表示しています'));
    assert.ok(html.includes(`jai-trust report ${makeSummary().run_id} --max-items 0`));
    assert.ok(html.includes('40 件 / items · 不安全 / unsafe 5 · エラー / errors 0 · 表示 / shown 11'));
    assert.ok(html.includes('10 件 / items · 不安全 / unsafe 0 · エラー / errors 0 · 表示 / shown 6'));
    assert.ok(html.includes('3 件 / items · 不安全 / unsafe 0 · エラー / errors 3</span>'), 'a group shown whole says nothing more');
    assert.ok(html.includes('<strong id="f-count">20</strong> / 20'));

    await writeHtmlReport(path, makeSummary(), asAsync(rows), { maxItems: 0 });
    const all = await readFile(path, 'utf8');
    assert.equal(count(all, '<details class="item"'), 53);
    assert.ok(!all.includes('Showing'));
    assert.ok(!all.includes('表示 / shown 1'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a result longer than one read of the spill file is put back together, multi-byte text intact', async () => {
  const base = makeRows()[1]!;
  // 1.8 MB of UTF-8 (3 bytes a character): the spill file is read back in 1 MB pieces.
  const huge = 'あ'.repeat(600_000) + 'TAIL-OF-HUGE';
  const rows: ResultRow[] = [
    { ...base, item_id: 'before', response: '前の応答' },
    { ...base, item_id: 'huge', response: huge },
    { ...base, item_id: 'after', response: '後の応答' },
  ];
  const dir = await mkdtemp(join(tmpdir(), 'jai-drill-big-'));
  try {
    const path = join(dir, 'report.html');
    await writeHtmlReport(path, makeSummary(), asAsync(rows), { maxTextChars: 700_000 });
    const html = await readFile(path, 'utf8');
    for (const id of ['before', 'huge', 'after']) assert.ok(html.includes(`<code class="id">${id}</code>`), id);
    assert.ok(html.includes(huge), 'the long response whole');
    assert.ok(html.includes('前の応答') && html.includes('後の応答'));
    assert.ok(!html.includes('\uFFFD'), 'no character cut in two');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
