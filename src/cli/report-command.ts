/** `jai-trust report <run-id|out-dir|latest>`: (re)build a run's outputs. */
import type { Command } from 'commander';
import { wholeNumber } from './number-options.js';
import { join } from 'node:path';
import { loadTaxonomy } from '../taxonomy/taxonomy.js';
import { writeRunOutputs } from '../report/outputs.js';
import { DEFAULT_MAX_ITEMS, writeHtmlReport } from '../report/html.js';
import type { RunConfigRecord } from '../runner/run-config.js';
import { openStore, storePath } from './store-option.js';
import { resolveRunSource, resultsOf } from './run-source.js';
import { printCategoryTable, printSummary } from './output.js';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('レポートを（再）作成する / (re)build a run\'s report, results.jsonl and summary.json')
    .argument('<run>', 'run id, "latest", or a run output directory')
    .option('--out <dir>', 'where to write (default: the run\'s output directory)')
    .option('--store <path>', 'SQLite store file')
    .option('--categories', 'also print the per-category table')
    .option('--max-items <n>', `results shown in the report's drill-down, notable ones first (0: all; default ${DEFAULT_MAX_ITEMS}); results.jsonl always has all`, wholeNumber(0))
    .action(async (ref: string, flags: { out?: string; store?: string; categories?: boolean; maxItems?: number }) => {
      const store = openStore(storePath(flags.store));
      try {
        const taxonomy = loadTaxonomy();
        const source = await resolveRunSource(ref, store);
        if (source.kind === 'store') {
          const config = source.run.config as RunConfigRecord;
          const { paths, summary } = await writeRunOutputs(store, source.run, flags.out ?? config.out ?? `out/${source.run.id}`, taxonomy, { ...(flags.maxItems !== undefined ? { maxItems: flags.maxItems } : {}) });
          printSummary(summary);
          if (flags.categories) printCategoryTable(summary);
          process.stdout.write(`\nreport:  ${paths.report}\n`);
        } else {
          // Only the output files exist here: rebuild the HTML from them.
          const path = join(flags.out ?? source.dir, 'report.html');
          const redact = source.summary.suite.visibility === 'hidden';
          await writeHtmlReport(path, source.summary, resultsOf(source, store), { redact, ...(flags.maxItems !== undefined ? { maxItems: flags.maxItems } : {}) });
          printSummary(source.summary);
          if (flags.categories) printCategoryTable(source.summary);
          process.stdout.write(`\nreport:  ${path}\n`);
        }
      } finally {
        await store.close();
      }
    });
}
