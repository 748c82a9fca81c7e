/**
 * A run's outputs, all derived from the store (so a resumed run writes each result once):
 *   results.jsonl  one object per item × SUT
 *   summary.json   per SUT and category: counts, rates with 95% Wilson intervals, hash, versions
 *   report.html    self-contained report
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import type { Store, RunRecord } from '../store/store.js';
import type { Taxonomy } from '../taxonomy/taxonomy.js';
import type { RunSummary } from '../scoring/types.js';
import { summarise } from '../scoring/summary.js';
import type { RunConfigRecord } from '../runner/run-config.js';
import { HtmlReportWriter } from './html.js';

export interface OutputPaths {
  dir: string;
  results: string;
  summary: string;
  report: string;
}

export interface OutputOptions {
  /** Most results in the report's drill-down (see ReportOptions.maxItems; 0: all). */
  maxItems?: number;
}

export async function writeRunOutputs(store: Store, run: RunRecord, outDir: string, taxonomy: Taxonomy, options: OutputOptions = {}): Promise<{ paths: OutputPaths; summary: RunSummary }> {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const paths: OutputPaths = { dir, results: join(dir, 'results.jsonl'), summary: join(dir, 'summary.json'), report: join(dir, 'report.html') };
  const config = run.config as RunConfigRecord;
  const redact = config.visibility === 'hidden';
  const header = {
    run_id: run.id,
    created_at: run.created_at,
    status: run.status,
    suite: { name: run.suite_name, version: run.suite_version, hash: run.suite_hash, visibility: config.visibility, items: config.item_count },
    tool_version: run.tool_version,
    evaluators: config.evaluator_versions,
    safety_source: config.safety_source,
  };

  // The attack registry brings the image renderer: load it only for runs that used attacks.
  const attackByName = config.attacks && config.attacks.length > 0 ? (await import('../attacks/registry.js')).attackByName : undefined;
  // One pass over the results (reading them back is most of this phase's cost): each row goes to
  // the summary, to results.jsonl and, rendered, to the report, whose head follows from the summary.
  const out = createWriteStream(paths.results, 'utf8');
  const report = await HtmlReportWriter.open(paths.report, { redact, imageDataUrl: (sha) => store.imageDataUrl(sha), ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}) });
  let summary: RunSummary;
  try {
    summary = await summarise(header, store.iterateResults(run.id, { redact }), taxonomy, async (row) => {
      const { run_id: _runId, ...line } = row;
      const json = JSON.stringify(line);
      if (!out.write(json + '\n')) await once(out, 'drain');
      await report.add(row, json);
    }, (name) => attackByName?.(name)?.kind);
  } catch (err) {
    await report.dispose();
    out.destroy();
    throw err;
  }
  out.end();
  await once(out, 'finish');
  for (const s of summary.suts) {
    const sutConfig = config.suts.find((c) => (c.id ?? c.sut) === s.sut);
    if (sutConfig?.note_ja) s.label_ja = sutConfig.note_ja;
    if (sutConfig?.note_en) s.label_en = sutConfig.note_en;
  }
  writeFileSync(paths.summary, JSON.stringify(summary, null, 2) + '\n');
  await report.finish(summary, sutNotesOf(summary));
  return { paths, summary };
}

/** Notes shown under the report's title for SUTs that have them (reference systems, sample responses). */
function sutNotesOf(summary: RunSummary): Record<string, { ja: string; en: string }> {
  const notes: Record<string, { ja: string; en: string }> = {};
  for (const s of summary.suts) if (s.label_ja || s.label_en) notes[s.sut] = { ja: s.label_ja ?? s.label_en ?? '', en: s.label_en ?? s.label_ja ?? '' };
  return notes;
}
