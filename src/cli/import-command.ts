/** `jai-trust import <format> <file> --out <dir>`: turn another benchmark's file into a suite folder. */
import { InvalidArgumentError, type Command } from 'commander';
import { wholeNumber } from './number-options.js';
import { loadTaxonomy } from '../taxonomy/taxonomy.js';
import { importDataset, type ImportReport } from '../import/import.js';
import { IMPORT_FORMATS, importFormat } from '../import/registry.js';
import { parsePairs } from '../import/category-map.js';
import { GENERIC_FIELDS } from '../import/formats/generic.js';
import { FILE_KINDS, type FileKind } from '../import/read.js';
import { EXPECTED_BEHAVIOURS, REVIEW_STATUSES, type Expected } from '../items/schema.js';
import type { ReviewStatus } from '../suites/lint.js';
import { toolVersion } from '../paths.js';
import { terminalSafe } from '../text/terminal-safe.js';
import { UsageError } from './output.js';

interface ImportFlags {
  out?: string;
  license?: string;
  source?: string;
  author?: string;
  reviewStatus: ReviewStatus;
  categoryMap: string[];
  defaultCategory?: string;
  map: string[];
  expected?: Expected;
  expectedMap: string[];
  locale?: string;
  idPrefix?: string;
  name?: string;
  suiteVersion: string;
  redactText?: boolean;
  visibility?: 'public' | 'hidden';
  fileKind?: FileKind;
  limit?: number;
  force?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const oneOf = <T extends string>(values: readonly T[]) => (value: string): T => {
  if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(values.join(' | '));
  return value as T;
};
const positive = wholeNumber(1);

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('他のベンチマークのファイルをスイートとして取り込む / import another benchmark\'s file as a suite (suite.yaml + items.jsonl)')
    .addHelpText('after', `\nFormats:\n${IMPORT_FORMATS.map((f) => `  ${f.id.padEnd(16)} ${f.description}`).join('\n')}\n\nExample:\n  jai-trust import ailuminate prompts.csv --out suites-local/ailuminate --license CC-BY-4.0\n  jai-trust run --suite suites-local/ailuminate --sut ref/refuse-all\n`)
    .argument('<format>', IMPORT_FORMATS.map((f) => f.id).join(' | '))
    .argument('<file>', 'the source file (your own copy)')
    .option('--out <dir>', 'folder to write the suite to (required)')
    .option('--license <licence>', 'licence of the source data: manifest license and provenance.license of every item')
    .option('--source <text>', 'provenance.source of every item (default <format>:<file name>)')
    .option('--author <name>', 'provenance.author of every item')
    .option('--review-status <status>', `review status of the imported items (${REVIEW_STATUSES.join(' | ')})`, oneOf(REVIEW_STATUSES), 'draft')
    .option('--category-map <value=code,…>', 'map source labels to categories (repeatable)', collect, [])
    .option('--default-category <code>', 'category for labels that map to nothing (reported with counts)')
    .option('--map <field=column,…>', `generic formats: item field from a source column (${GENERIC_FIELDS.join(', ')}); repeatable`, collect, [])
    .option('--expected <behaviour>', `expected behaviour of every item (${EXPECTED_BEHAVIOURS.join(' | ')})`, oneOf(EXPECTED_BEHAVIOURS))
    .option('--expected-map <value=behaviour,…>', 'generic formats: source values of the expected column to behaviours (repeatable)', collect, [])
    .option('--locale <locale>', 'locale of every item (default: from the data, else the format\'s)')
    .option('--id-prefix <prefix>', 'prefix of item ids (default <format>-)')
    .option('--name <name>', 'suite name (default: the --out folder name)')
    .option('--suite-version <version>', 'suite version', '1.0.0')
    .option('--redact-text', 'visibility hidden: reports show ids and hashes, never the text (for sets that may not be redistributed)')
    .option('--visibility <visibility>', 'public | hidden (default: hidden for answercarefully, else public)', oneOf(['public', 'hidden'] as const))
    .option('--file-kind <kind>', `read the file as ${FILE_KINDS.join(' | ')} whatever its extension`, oneOf(FILE_KINDS))
    .option('--limit <n>', 'import at most n records', positive)
    .option('--force', 'replace a suite already in --out')
    .option('--json', 'print the import report as JSON')
    .action(async (formatId: string, file: string, flags: ImportFlags) => {
      const format = importFormat(formatId);
      if (!format) throw new UsageError(`unknown import format "${formatId}"; formats: ${IMPORT_FORMATS.map((f) => f.id).join(', ')}`);
      if (!flags.out) throw new UsageError('--out <dir> is required: the folder to write the suite to');
      if (flags.redactText && flags.visibility === 'public') throw new UsageError('--redact-text and --visibility public contradict each other');
      const columnMap = parsePairs(flags.map.join(','), '--map');
      const unknownFields = Object.keys(columnMap).filter((f) => !(GENERIC_FIELDS as readonly string[]).includes(f));
      if (unknownFields.length > 0) throw new UsageError(`--map: unknown field(s) ${unknownFields.join(', ')}; fields: ${GENERIC_FIELDS.join(', ')}`);
      const visibility = flags.redactText ? 'hidden' : flags.visibility;
      const report = await importDataset({
        format,
        file,
        outDir: flags.out,
        taxonomy: loadTaxonomy(),
        options: {
          ...(flags.source ? { source: flags.source } : {}),
          ...(flags.license ? { license: flags.license } : {}),
          ...(flags.author ? { author: flags.author } : {}),
          reviewStatus: flags.reviewStatus,
          ...(flags.locale ? { locale: flags.locale } : {}),
          ...(flags.expected ? { expected: flags.expected } : {}),
          ...(flags.idPrefix !== undefined ? { idPrefix: flags.idPrefix } : {}),
          categoryMap: parsePairs(flags.categoryMap.join(','), '--category-map'),
          ...(flags.defaultCategory ? { defaultCategory: flags.defaultCategory } : {}),
          columnMap,
          expectedMap: parsePairs(flags.expectedMap.join(','), '--expected-map'),
          ...(flags.limit ? { limit: flags.limit } : {}),
        },
        ...(flags.name ? { name: flags.name } : {}),
        version: flags.suiteVersion,
        ...(visibility ? { visibility } : {}),
        force: flags.force ?? false,
        ...(flags.fileKind ? { fileKind: flags.fileKind } : {}),
        toolVersion,
      });
      if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else printReport(report);
    });
}

function printReport(r: ImportReport): void {
  const out = process.stdout;
  const safe = terminalSafe;
  out.write(`imported ${r.items} item(s) from ${r.records} record(s) of ${safe(r.file)}\n`);
  out.write(`suite ${safe(r.suite.name)}@${safe(r.suite.version)} (${r.suite.visibility}) ${r.suite.hash}\n  → ${safe(r.out_dir)}\n`);
  out.write('categories:\n');
  for (const m of r.categories) out.write(`  ${safe(m.value)} → ${m.category}  ${m.items}  (${m.via})\n`);
  for (const w of r.warnings) out.write(`warning: ${safe(w)}\n`);
  for (const n of r.notes) out.write(`note: ${safe(n.message)} (${n.records} record(s))\n`);
  if (r.suite.visibility === 'hidden') out.write('hidden: reports of this suite show ids and hashes only; the folder has a .gitignore so it is never committed\n');
  out.write(`run it: jai-trust run --suite ${safe(r.out_dir)} --sut <model>\n`);
}
