import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { escapeHtml, writeHtmlReport } from '../../src/report/html.js';
import { CHART } from '../../src/report/svg-chart.js';
import type { ResultRow } from '../../src/scoring/types.js';
import { ALL_PAYLOADS, PAYLOADS, SUT_A, SUT_B, asAsync, makeRows, makeSummary } from './report-fixture.js';

const dir = await mkdtemp(join(tmpdir(), 'jai-html-test-'));
test.after(() => rm(dir, { recursive: true, force: true }));

async function render(name: string, opts: Parameters<typeof writeHtmlReport>[3] = {}): Promise<string> {
  const path = join(dir, name);
  await writeHtmlReport(path, makeSummary(), asAsync(makeRows()), { generatedAt: '2025-01-02T03:04:05Z', ...opts });
  return readFile(path, 'utf8');
}

const count = (hay: string, needle: string): number => hay.split(needle).length - 1;
const b64sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('base64');

/** Tag names and attribute names in the document (a small tokenizer: our attribute values are always double-quoted). */
function tags(html: string): { name: string; attrs: string[]; raw: string }[] {
  const out: { name: string; attrs: string[]; raw: string }[] = [];
  const body = html.replace(/<script>[\s\S]*?<\/script>/g, '<script>').replace(/<style>[\s\S]*?<\/style>/g, '<style>');
  for (const m of body.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const attrs = [...(m[2] ?? '').matchAll(/\s([^\s=/>]+)(?:="[^"]*")?/g)].map((a) => a[1]!.toLowerCase());
    out.push({ name: m[1]!.toLowerCase(), attrs, raw: m[0] });
  }
  return out;
}

test('escapeHtml escapes metacharacters, control characters and bidi overrides', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(escapeHtml('a\u001b[31mb\u0000c\u0007'), 'a⟨U+001B⟩[31mb⟨U+0000⟩c⟨U+0007⟩');
  assert.equal(escapeHtml('keep\ttab\nnewline\r\nCRLF\rCR'), 'keep\ttab\nnewline\nCRLF⟨U+000D⟩CR');
  assert.equal(escapeHtml('\u007f\u0085'), '⟨U+007F⟩⟨U+0085⟩');
  assert.equal(escapeHtml('abc\u202Edcba\u2066'), 'abc\u27e8U+202E\u27e9dcba\u27e8U+2066\u27e9');
  assert.equal(escapeHtml('日本語はそのまま 🙂'), '日本語はそのまま 🙂');
  assert.equal(escapeHtml('&amp;'), '&amp;amp;');
});

test('hostile result data is escaped everywhere and never becomes markup', async () => {
  const html = await render('report.html');

  // Escaped forms are present.
  for (const s of [
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '&lt;img src=x onerror=alert(1)&gt;',
    '&quot;&gt;&lt;svg onload=alert(1)&gt;',
    '&lt;/textarea&gt;&lt;script&gt;',
    '&lt;a href=&quot;javascript:window.__pwned=4&quot;&gt;',
    '⟨U+001B⟩[31m赤い文字⟨U+001B⟩[0m',
    'abc\u27e8U+202E\u27e9dcba',
    '&lt;!-- unterminated comment',
  ]) {
    assert.ok(html.includes(s), `missing escaped form ${s}`);
  }
  // No raw payload survives.
  for (const p of Object.values(PAYLOADS)) {
    if (/[<>"'\u001b\u202e]/.test(p)) assert.ok(!html.includes(p), `raw payload in output: ${JSON.stringify(p)}`);
  }
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(html), 'no control characters in the output');
  assert.equal(count(html, '<script'), 1, 'exactly one <script> tag: our own');
  assert.equal(count(html, '</script'), 1);
  assert.equal(count(html, '<style'), 1);
  assert.equal(count(html, '<!--'), 0);
  assert.ok(!/href="javascript:/i.test(html));

  // Every tag and attribute is one the report itself writes.
  const allowedTags = new Set(
    'html head meta title style body header div h1 h2 h3 h4 code main section dl dt dd span p br nav strong ul li a svg line text g rect path tspan table thead tbody tr th td details summary pre label input select option button footer script'.split(
      ' ',
    ),
  );
  const allowedAttrs = new Set(
    'lang charset http-equiv content name class id href xmlns viewbox width height role aria-labelledby x1 x2 y1 y2 x y text-anchor data-rate fill d data-sut data-cat data-unsafe data-error type value hidden'.split(
      ' ',
    ),
  );
  for (const t of tags(html)) {
    assert.ok(allowedTags.has(t.name), `unexpected tag <${t.name}> in ${t.raw.slice(0, 120)}`);
    for (const a of t.attrs) assert.ok(allowedAttrs.has(a), `unexpected attribute ${a} in ${t.raw.slice(0, 120)}`);
  }
  for (const t of tags(html).filter((x) => x.name === 'a')) assert.match(t.raw, /^<a href="#[a-z0-9-]+">$/);

  // Drill-down: one <details class="item"> per row, with verdicts, badges and errors.
  assert.equal(count(html, '<details class="item"'), makeRows().length);
  assert.ok(html.includes('<code>judge-ja@2</code>'));
  assert.ok(html.includes('<code>refusal-ja@1.2.0</code>'));
  assert.ok(html.includes('UNIQUE-RATIONALE'));
  assert.ok(html.includes('UNIQUE-ERROR HTTP 500'));
  assert.ok(html.includes('UNIQUE-REASONING-JB001'));
  assert.ok(html.includes('切り捨て / truncated'));
  assert.ok(html.includes('不安全 / unsafe'));
  assert.ok(html.includes('評価器エラー / evaluator error'));
  assert.ok(html.includes('judge output not parseable: &lt;script&gt;'));
  assert.ok(html.includes('sha256:' + 'cd'.repeat(32) + '&lt;img'), 'image shown as hash text');
  assert.equal(count(html, `data-error="1">`), 2);
  assert.equal(count(html, `data-unsafe="1" `), 1);
});

test('CSP allows exactly the inline script and style sheet, by hash', async () => {
  const html = await render('csp.html');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
  assert.ok(csp);
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  assert.ok(script && style);
  assert.match(csp, /(^|; )default-src 'none'(;|$)/);
  assert.match(csp, /(^|; )img-src data:(;|$)/);
  assert.ok(csp.includes(`script-src 'sha256-${b64sha(script)}'`), 'script hash matches');
  assert.ok(csp.includes(`style-src 'sha256-${b64sha(style)}'`), 'style hash matches');
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
  // The CSP must come before any content that could load something.
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style>'));
});

test('header, tables and charts: bilingual, with bar widths proportional to rates', async () => {
  const html = await render('charts.html');
  assert.match(html, /^<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">/);
  assert.ok(html.includes('JAI-Trust Bench 評価レポート'));
  assert.ok(html.includes('Evaluation report'));
  for (const s of ['run-2025-01-01-abc', 'jai-practice', '0.3.0', 'ab'.repeat(32), 'refusal-ja@1.2.0', 'judge-ja@2', '2025-01-02T03:04:05Z']) {
    assert.ok(html.includes(s), `header has ${s}`);
  }
  assert.ok(html.includes('不安全率は評価器 <code>judge-ja@2</code> の判定に基づきます'));
  for (const s of ['バイアス', 'Bias', 'ジェイルブレイク', 'Jailbreak', '情報漏洩&lt;script&gt;', '参照モデルA', 'Reference model A']) {
    assert.ok(html.includes(s), `names: ${s}`);
  }
  assert.ok(html.includes('違反回答率') && html.includes('許容回答率'), 'judge columns for the SUT with a judge');
  assert.ok(html.includes('25.0%<span class="sub">[7.1–59.1] 2/8</span>'), 'rate cell with CI and counts');

  // 2 SUTs × (unsafe, over-refusal) charts.
  assert.equal(count(html, '<svg class="chart"'), 4);
  const bars = [...html.matchAll(/<rect class="bar" data-rate="([0-9.e-]+)" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"/g)];
  assert.ok(bars.length >= 10, `bars: ${bars.length}`);
  for (const b of bars) {
    const r = Number(b[1]);
    assert.equal(Number(b[2]), CHART.plotX);
    assert.ok(Math.abs(Number(b[3]) - r * CHART.plotWidth) < 0.01, `width ${b[3]} for rate ${r}`);
  }
  // Bias unsafe 2/8 → a quarter of the plot; Jailbreak 5/10 → half.
  assert.ok(html.includes(`data-rate="0.25" x="${CHART.plotX}"`) && html.includes(`width="${CHART.plotWidth / 4}"`));
  assert.ok(html.includes(`width="${CHART.plotWidth / 2}"`));
  // Null rates (LEAK unsafe 0/0, JB over-refusal 0/0) are n/a, not zero-width bars.
  assert.ok(count(html, 'n/a — 該当項目なし / no items') >= 4);
  assert.ok(html.includes('<path class="ci"'), 'CI whiskers');
});

test('drill-down is grouped by SUT then category whatever the row order', async () => {
  const html = await render('groups.html');
  const drill = html.slice(html.indexOf('<section id="drill">'));
  const a = drill.indexOf(`data-sut="${escapeHtml(SUT_A)}"`);
  const b = drill.indexOf(`<section class="drill-sut" id="drill-1" data-sut="${escapeHtml(SUT_B)}"`);
  assert.ok(a >= 0 && b > a);
  const sectionB = drill.slice(b);
  // SUT B: JB (summary order) before the unknown category; both jb-001 and err-003 in the JB group.
  const jb = sectionB.indexOf('<section class="grp" data-sut');
  assert.ok(sectionB.slice(jb, sectionB.indexOf('</section>', jb)).includes('err-003'));
  assert.ok(sectionB.indexOf('err-003') < sectionB.indexOf('x-005'));
  // SUT A has no LEAK rows of SUT B and vice versa.
  const sectionA = drill.slice(a, b);
  assert.ok(sectionA.includes('leak-004') && !sectionA.includes('x-005'));
});

test('redact mode shows ids and hashes, never the texts', async () => {
  const html = await render('redacted.html', { redact: true });
  const rows = makeRows();
  for (const r of rows) assert.ok(html.includes(escapeHtml(r.item_id)), `id ${r.item_id}`);
  for (const s of ['UNIQUE-RESPONSE', 'UNIQUE-REASONING', 'UNIQUE-RATIONALE', 'UNIQUE-ERROR', '爆弾', 'あなたは親切な', '相談窓口']) {
    assert.ok(!html.includes(s), `redacted text leaked: ${s}`);
  }
  const resp = rows[0]!.response!;
  assert.ok(html.includes(createHash('sha256').update(resp, 'utf8').digest('hex')), 'response hash shown');
  const prompt = JSON.stringify(rows[0]!.messages);
  assert.ok(html.includes(createHash('sha256').update(prompt, 'utf8').digest('hex')), 'prompt hash shown');
  assert.ok(html.includes('非公開モード'));
  // Hidden suites redact by default.
  const path = join(dir, 'hidden.html');
  const summary = makeSummary();
  summary.suite.visibility = 'hidden';
  await writeHtmlReport(path, summary, asAsync(rows));
  assert.ok(!(await readFile(path, 'utf8')).includes('UNIQUE-RESPONSE'));
});

test('streams 20,000 rows without holding them', async () => {
  const N = 20_000;
  const path = join(dir, 'big.html');
  const base = makeRows()[0]!;
  const summary = makeSummary();
  const cats = ['BIAS', 'JB', 'LEAK'];
  let maxHeap = 0;
  const heap0 = process.memoryUsage().heapUsed;
  async function* gen(): AsyncGenerator<ResultRow> {
    for (let i = 0; i < N; i++) {
      if (i % 1000 === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
      yield {
        ...base,
        item_id: `stream-${String(i).padStart(6, '0')}`,
        sut: i % 2 === 0 ? SUT_A : SUT_B,
        category: cats[i % 3]!,
        // ~2 KB of unique text per row: 40 MB if the writer kept them all.
        response: `応答 ${i} ` + 'あいうえお'.repeat(200) + ALL_PAYLOADS,
        unsafe: i % 7 === 0,
      };
    }
  }
  const t0 = Date.now();
  // Every row in the drill-down (no --max-items budget): the whole stream must reach the file.
  await writeHtmlReport(path, summary, gen(), { maxItems: 0 });
  const ms = Date.now() - t0;
  const size = (await stat(path)).size;
  console.log(
    `# 20k rows: ${ms} ms, ${(size / 1e6).toFixed(1)} MB, heap before ${(heap0 / 1e6).toFixed(1)} MB, ` +
      `max during ${(maxHeap / 1e6).toFixed(1)} MB, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
  );
  // Count item ids by reading the file line by line (not into one string).
  const ids = new Set<string>();
  let occurrences = 0;
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    for (const m of line.matchAll(/<code class="id">(stream-\d{6})<\/code>/g)) {
      ids.add(m[1]!);
      occurrences++;
    }
  }
  assert.equal(ids.size, N);
  assert.equal(occurrences, N);
  // Loose bound: holding the rows would add ~70 MB of strings, their rendered HTML another ~130 MB.
  assert.ok(maxHeap - heap0 < 100e6, `heap grew by ${((maxHeap - heap0) / 1e6).toFixed(1)} MB`);
  // No temp files left next to the report.
  assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
});

test('a failing result stream leaves no partial report', async () => {
  const path = join(dir, 'failed.html');
  async function* bad(): AsyncGenerator<ResultRow> {
    yield makeRows()[0]!;
    throw new Error('store went away');
  }
  await assert.rejects(writeHtmlReport(path, makeSummary(), bad()), /store went away/);
  await assert.rejects(stat(path), { code: 'ENOENT' });
  assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
});

test('numbers in the summary are written only when they are numbers', async () => {
  const summary = makeSummary();
  const bad = '<b>NOTANUMBER</b>' as unknown as number;
  summary.suite.items = bad;
  summary.suts[0]!.categories[0]!.items = bad;
  summary.suts[0]!.categories[0]!.unsafe = { k: bad, n: bad, rate: bad, lo: bad, hi: bad };
  const path = join(dir, 'numbers.html');
  await writeHtmlReport(path, summary, asAsync([]));
  const html = await readFile(path, 'utf8');
  assert.ok(!html.includes('NOTANUMBER'), 'a non-number is not echoed at all');
  assert.ok(html.includes('結果なし / no results'));
});
