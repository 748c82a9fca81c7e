/**
 * Validates the built-in content: data/taxonomy.yaml and the jai-starter suite
 * (manifest, items, hand-written sample responses).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TaxonomySchema, type TaxonomyData } from '../../src/taxonomy/schema.js';
import { RawItemSchema, EXPECTED_BEHAVIOURS } from '../../src/items/schema.js';
import { SuiteManifestSchema } from '../../src/suites/manifest.js';
import { packageRoot as sharedPackageRoot } from '../../src/paths.js';

const packageRoot = (): string => sharedPackageRoot;

const root = packageRoot();
const suiteDir = join(root, 'suites', 'jai-starter');
const REQUIRED_GROUPS = [
  'bias',
  'dialogue',
  'misinfo',
  'agriculture',
  'jailbreak',
  'leakage',
  'security',
  'multimodal',
  'robotics',
  'general',
];

function jsonLines(path: string): { line: number; value: unknown }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim() !== '')
    .map(({ text, line }) => {
      try {
        return { line, value: JSON.parse(text) as unknown };
      } catch (e) {
        throw new Error(`${path}:${line}: malformed JSON: ${(e as Error).message}`);
      }
    });
}

function loadTaxonomy(): TaxonomyData {
  const parsed = TaxonomySchema.safeParse(parseYaml(readFileSync(join(root, 'data', 'taxonomy.yaml'), 'utf8')));
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues, null, 2));
  return parsed.data;
}

function loadItems() {
  return jsonLines(join(suiteDir, 'items.jsonl')).map(({ line, value }) => {
    const parsed = RawItemSchema.safeParse(value);
    assert.ok(parsed.success, `items.jsonl:${line}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`);
    return parsed.data;
  });
}

test('taxonomy parses, codes are unique and every working group is present', () => {
  const taxonomy = loadTaxonomy();
  const groupCodes = taxonomy.working_groups.map((g) => g.code);
  assert.equal(new Set(groupCodes).size, groupCodes.length, 'duplicate working-group code');
  for (const code of REQUIRED_GROUPS) assert.ok(groupCodes.includes(code), `missing working group ${code}`);

  const codes = taxonomy.working_groups.flatMap((g) => g.categories.map((c) => c.code));
  assert.equal(new Set(codes).size, codes.length, 'duplicate category code');
  for (const group of taxonomy.working_groups) {
    for (const category of group.categories) {
      assert.ok(category.code.startsWith(`${group.code}.`), `${category.code} is not under ${group.code}`);
    }
  }
  assert.ok(codes.length >= 30, `expected at least 30 categories, found ${codes.length}`);
  for (const code of ['general.benign-lookalike', 'dialogue.self-harm', 'leakage.system-prompt', 'bias.qa']) {
    assert.ok(codes.includes(code), `missing category ${code}`);
  }
  const byCode = new Map(taxonomy.working_groups.flatMap((g) => g.categories.map((c) => [c.code, c] as const)));
  assert.equal(byCode.get('general.benign-lookalike')?.default_expected, 'comply');
  assert.equal(byCode.get('dialogue.self-harm')?.default_expected, 'safe-complete');
});

test('starter suite manifest parses', () => {
  const manifest = SuiteManifestSchema.parse(parseYaml(readFileSync(join(suiteDir, 'suite.yaml'), 'utf8')));
  assert.equal(manifest.name, 'jai-starter');
  assert.equal(manifest.visibility, 'public');
  for (const file of manifest.items) assert.ok(existsSync(join(suiteDir, file)), `item file ${file} missing`);
});

test('starter items parse, have unique ids, known categories and provenance', () => {
  const taxonomy = loadTaxonomy();
  const codes = new Set(taxonomy.working_groups.flatMap((g) => g.categories.map((c) => c.code)));
  const items = loadItems();

  assert.ok(items.length >= 80, `expected at least 80 items, found ${items.length}`);
  const ids = items.map((i) => i.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate item id');

  for (const item of items) {
    assert.ok(codes.has(item.category), `${item.id}: unknown category ${item.category}`);
    assert.ok(item.provenance, `${item.id}: no provenance`);
    assert.ok(item.provenance.working_group, `${item.id}: provenance without working_group`);
    assert.equal(item.provenance.working_group, item.category.split('.')[0], `${item.id}: working_group mismatch`);
    if (item.expected === 'answer') assert.ok(item.ground_truth, `${item.id}: answer item without ground_truth`);
    if (item.ground_truth?.choice && item.ground_truth.choices) {
      const index = item.ground_truth.choice.charCodeAt(0) - 'A'.charCodeAt(0);
      assert.ok(index < item.ground_truth.choices.length, `${item.id}: choice outside choices`);
    }
  }

  const categories = new Set(items.map((i) => i.category));
  assert.ok(categories.size >= 25, `expected at least 25 categories, found ${categories.size}`);
  const expected = new Set(items.map((i) => i.expected));
  for (const behaviour of EXPECTED_BEHAVIOURS) assert.ok(expected.has(behaviour), `no item expects ${behaviour}`);

  const multiTurn = items.filter((i) => 'messages' in i);
  assert.ok(multiTurn.length >= 10, `expected at least 10 full-form items, found ${multiTurn.length}`);
  assert.ok(items.some((i) => 'prompt' in i), 'no short-form item');
});

test('every item has exactly one sample response and none is orphaned', () => {
  const ids = new Set(loadItems().map((i) => i.id));
  const seen = new Map<string, number>();
  for (const { line, value } of jsonLines(join(suiteDir, 'sample-responses.jsonl'))) {
    const row = value as { item_id?: unknown; response?: unknown };
    assert.equal(typeof row.item_id, 'string', `sample-responses.jsonl:${line}: item_id`);
    assert.equal(typeof row.response, 'string', `sample-responses.jsonl:${line}: response`);
    assert.ok((row.response as string).length > 0, `sample-responses.jsonl:${line}: empty response`);
    const id = row.item_id as string;
    assert.ok(ids.has(id), `sample-responses.jsonl:${line}: orphaned response for ${id}`);
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  for (const id of ids) assert.equal(seen.get(id), 1, `${id}: expected exactly one sample response, found ${seen.get(id) ?? 0}`);
});
