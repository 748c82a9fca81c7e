/** The built-in taxonomy's build-time cache: used only for the very YAML it was made from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTaxonomy, taxonomyCachePath, writeTaxonomyCache } from '../../src/taxonomy/taxonomy.js';
import { taxonomyPath } from '../../src/paths.js';
import { tempDir } from '../helpers/fixtures.js';

test('the build wrote a cache that holds exactly what parsing the YAML gives', () => {
  const fromCache = loadTaxonomy();
  const fromYaml = loadTaxonomy(taxonomyPath, undefined);
  assert.deepEqual(fromCache.data, fromYaml.data);
  assert.deepEqual(fromCache.codes, fromYaml.codes);
  const cache = JSON.parse(readFileSync(taxonomyCachePath, 'utf8')) as { source_sha256: string };
  assert.match(cache.source_sha256, /^[0-9a-f]{64}$/);
});

test('a cache is read only for the text it was made from; a missing or broken one means parsing the YAML', () => {
  const dir = tempDir();
  const yaml = join(dir, 'taxonomy.yaml');
  const cachePath = join(dir, 'cache.json');
  const original = readFileSync(taxonomyPath, 'utf8');
  writeFileSync(yaml, original);
  writeTaxonomyCache(yaml, cachePath);
  // Mark the cached data: a load that returns the mark took the cache.
  const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as { data: { working_groups: { name_en: string }[] } };
  cache.data.working_groups[0]!.name_en = 'FROM-THE-CACHE';
  writeFileSync(cachePath, JSON.stringify(cache));
  assert.equal(loadTaxonomy(yaml, cachePath).data.working_groups[0]!.name_en, 'FROM-THE-CACHE');

  // The YAML changed since: the cache is ignored.
  const firstName = loadTaxonomy(taxonomyPath, undefined).data.working_groups[0]!.name_en;
  writeFileSync(yaml, original.replace(`name_en: ${firstName}`, 'name_en: EDITED-IN-YAML'));
  assert.equal(loadTaxonomy(yaml, cachePath).data.working_groups[0]!.name_en, 'EDITED-IN-YAML');

  writeFileSync(cachePath, '{not json');
  assert.equal(loadTaxonomy(yaml, cachePath).data.working_groups[0]!.name_en, 'EDITED-IN-YAML');
  assert.equal(loadTaxonomy(yaml, join(dir, 'missing.json')).data.working_groups[0]!.name_en, 'EDITED-IN-YAML');
});

test('an invalid taxonomy fails the cache build, as it fails a load', () => {
  const dir = tempDir();
  const yaml = join(dir, 'taxonomy.yaml');
  writeFileSync(yaml, 'working_groups: not-a-list\n');
  assert.throws(() => writeTaxonomyCache(yaml, join(dir, 'cache.json')), /invalid taxonomy/);
  assert.throws(() => loadTaxonomy(yaml, undefined), /invalid taxonomy/);
});
