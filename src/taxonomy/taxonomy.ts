/** Loads data/taxonomy.yaml (or another file) and answers questions about categories. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot, taxonomyPath } from '../paths.js';
import { TaxonomySchema, type Category, type TaxonomyData, type WorkingGroup } from './schema.js';
import { formatZodIssues } from '../items/errors.js';

export interface Taxonomy {
  readonly data: TaxonomyData;
  readonly codes: readonly string[];
  category(code: string): Category | undefined;
  groupOf(code: string): WorkingGroup | undefined;
}

export function buildTaxonomy(data: TaxonomyData): Taxonomy {
  const byCode = new Map<string, { category: Category; group: WorkingGroup }>();
  for (const group of data.working_groups) {
    for (const category of group.categories) {
      if (byCode.has(category.code)) throw new Error(`taxonomy: duplicate category code ${category.code}`);
      byCode.set(category.code, { category, group });
    }
  }
  return {
    data,
    codes: [...byCode.keys()],
    category: (code) => byCode.get(code)?.category,
    groupOf: (code) => byCode.get(code)?.group,
  };
}

/**
 * The built-in taxonomy as validated data, written by `npm run build` (scripts/build-taxonomy-cache.mjs) with the
 * SHA-256 of the YAML it came from: parsing the 130 KB of YAML took 50–140 ms of every command's start, reading
 * this about 1 ms. Used only while the YAML is unchanged.
 */
export const taxonomyCachePath = join(packageRoot, 'dist', 'taxonomy.cache.json');

/** Bumped when TaxonomyData changes shape, so that a cache written by older code is not read. */
const CACHE_FORMAT = 1;

interface TaxonomyCache {
  format: number;
  source_sha256: string;
  data: TaxonomyData;
}

/** `cachePath`: validated data to use instead of parsing `path`, if it was made from the same text. */
export function loadTaxonomy(path: string = taxonomyPath, cachePath: string | undefined = path === taxonomyPath ? taxonomyCachePath : undefined): Taxonomy {
  const text = readFileSync(path, 'utf8');
  const cached = cachePath ? readCache(cachePath, sha256(text)) : undefined;
  return buildTaxonomy(cached ?? parseTaxonomy(text, path));
}

function parseTaxonomy(text: string, path: string): TaxonomyData {
  const parsed = TaxonomySchema.safeParse(parseYaml(text));
  if (!parsed.success) throw new Error(`${path}: invalid taxonomy\n${formatZodIssues(parsed.error.issues)}`);
  return parsed.data;
}

function readCache(cachePath: string, sourceSha256: string): TaxonomyData | undefined {
  let cache: Partial<TaxonomyCache>;
  try {
    cache = JSON.parse(readFileSync(cachePath, 'utf8')) as Partial<TaxonomyCache>;
  } catch {
    return undefined; // none yet, or unreadable: parse the YAML
  }
  return cache.format === CACHE_FORMAT && cache.source_sha256 === sourceSha256 ? cache.data : undefined;
}

/** Validates the taxonomy at `path` and writes it to `cachePath` for loadTaxonomy (a build step). */
export function writeTaxonomyCache(path: string = taxonomyPath, cachePath: string = taxonomyCachePath): void {
  const text = readFileSync(path, 'utf8');
  const data = parseTaxonomy(text, path);
  buildTaxonomy(data); // the same checks a load makes (duplicate codes)
  const cache: TaxonomyCache = { format: CACHE_FORMAT, source_sha256: sha256(text), data };
  mkdirSync(dirname(cachePath), { recursive: true });
  writeFileSync(cachePath, JSON.stringify(cache));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
