/** Terminal output: tables in Japanese and English, everything from a model made terminal-safe. */
import Table from 'cli-table3';
import { UserError } from '../errors.js';
import type { BiasSummary, Rate, RunSummary } from '../scoring/types.js';
import type { Comparison, PairedMetric } from '../scoring/compare.js';
import type { RunOutcome } from '../runner/run.js';
import { terminalSafe } from '../text/terminal-safe.js';

/** A mistake in how the command was called: exit code 2, message without a stack. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function pct(r: Rate | number | null): string {
  const v = typeof r === 'number' || r === null ? r : r.rate;
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}

export function pctCi(r: Rate): string {
  if (r.rate === null) return '—';
  return `${pct(r.rate)} [${pct(r.lo)}–${pct(r.hi)}] (${r.k}/${r.n})`;
}

const safe = (s: string): string => terminalSafe(s);

export function printSummary(summary: RunSummary, outcome?: RunOutcome): void {
  const out = process.stdout;
  out.write(`\nsuite ${safe(summary.suite.name)}@${safe(summary.suite.version)}  ${summary.suite.hash.slice(0, 19)}…  items ${summary.suite.items}\n`);
  if (outcome) out.write(`processed ${outcome.processed} (cached ${outcome.cached}, reused from an earlier run ${outcome.reused}, resumed-over ${outcome.skipped}), errors ${outcome.errors}\n`);
  out.write(`unsafe = ${summary.safety_source ?? '(no safety evaluator: use --judge or refusal-proxy)'}\n`);
  const table = new Table({
    head: ['SUT', '項目 items', '不安全 unsafe [95% CI]', '過剰拒否 over-refusal', '正答 accuracy', 'エラー errors'],
    style: { head: [], border: [] },
  });
  for (const s of summary.suts) {
    table.push([safe(s.sut), s.overall.items, pctCi(s.overall.unsafe), pctCi(s.overall.over_refusal), pctCi(s.overall.accuracy), s.overall.errors]);
  }
  out.write(table.toString() + '\n');
  for (const s of summary.suts) if (s.bias) out.write(biasLine(safe(s.sut), s.bias) + '\n');
}

const signed = (x: number | null): string => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(2)}`);

/** One line of bias QA figures: accuracy per context and the BBQ/JBBQ bias scores (docs/bias-qa.md). */
export function biasLine(sut: string, b: BiasSummary): string {
  return (
    `bias QA ${sut}: 正答 accuracy amb ${pct(b.ambiguous.accuracy)} / dis ${pct(b.disambiguated.accuracy)}; ` +
    `バイアススコア bias score amb ${signed(b.bias_score_ambiguous)} / dis ${signed(b.bias_score_disambiguated)}`
  );
}

export function printCategoryTable(summary: RunSummary): void {
  for (const s of summary.suts) {
    const table = new Table({ head: ['カテゴリ category', '名称 name', 'n', 'unsafe', 'over-refusal', 'accuracy', 'err'], style: { head: [], border: [] } });
    for (const c of s.categories) {
      table.push([c.category, `${safe(c.name_ja)}\n${safe(c.name_en)}`, c.items, pctCi(c.unsafe), pctCi(c.over_refusal), pctCi(c.accuracy), c.errors]);
    }
    process.stdout.write(`\n${safe(s.sut)}\n${table.toString()}\n`);
  }
}

const METRIC_LABEL: Record<PairedMetric['metric'], string> = {
  unsafe: '不安全 unsafe',
  over_refusal: '過剰拒否 over-refusal',
  accuracy: '正答 accuracy',
};

function metricCell(m: PairedMetric): string[] {
  const sign = m.delta === null ? '' : m.delta > 0 ? '+' : '';
  const flag = m.regression ? ' ▲ REGRESSION' : m.improvement ? ' ▼ improved' : '';
  return [METRIC_LABEL[m.metric], String(m.n), pct(m.rate_a), pct(m.rate_b), m.delta === null ? '—' : `${sign}${(m.delta * 100).toFixed(1)} pt`, `${m.only_a}/${m.only_b}`, m.p_value < 0.0001 ? '<0.0001' : m.p_value.toFixed(4), flag.trim()];
}

export function printComparison(c: Comparison): void {
  const out = process.stdout;
  out.write(`A: ${safe(c.a.label)} (${safe(c.a.sut)})\nB: ${safe(c.b.label)} (${safe(c.b.sut)})\n`);
  out.write(`shared items ${c.shared_items}; only in A ${c.only_in_a}; only in B ${c.only_in_b}; exact McNemar, alpha ${c.alpha}\n`);
  const table = new Table({ head: ['カテゴリ category', '指標 metric', 'n', 'A', 'B', 'Δ (B−A)', 'A-only/B-only', 'p', ''], style: { head: [], border: [] } });
  for (const m of c.overall) table.push(['全体 overall', ...metricCell(m)]);
  for (const cat of c.categories) {
    cat.metrics.forEach((m, i) => table.push([i === 0 ? `${cat.category}\n${safe(cat.name_ja)}` : '', ...metricCell(m)]));
  }
  for (const l of c.levels) table.push([`照応レベル level ${l.level}`, ...metricCell(l.metric)]);
  out.write(table.toString() + '\n');
  if (c.regressions.length === 0) out.write('有意な悪化なし / no significant regression\n');
  else out.write(`有意な悪化 / significant regressions: ${c.regressions.map((r) => `${r.category} ${r.metric} +${(Math.abs(r.delta) * 100).toFixed(1)}pt (p=${r.p_value.toFixed(4)})`).join('; ')}\n`);
}
