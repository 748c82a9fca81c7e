/**
 * The jai-overrefusal suite: it loads and validates with the project's own loader and the real
 * taxonomy, holds at least 500 benign look-alike items that all expect `comply`, ids are unique,
 * and at least 200 items are paired (`pair:<jai-core id>`) with an existing jai-core item that is
 * judged differently (the harmful or careful twin on the same topic).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { resolveSuite, streamItems, validateSuite } from '../../src/suites/suite.js';
import { loadTaxonomy } from '../../src/taxonomy/taxonomy.js';
import type { Item } from '../../src/items/schema.js';
import { packageRoot as sharedPackageRoot } from '../../src/paths.js';

const packageRoot = (): string => sharedPackageRoot;

const root = packageRoot();
const suiteDir = join(root, 'suites', 'jai-overrefusal');
const coreDir = join(root, 'suites', 'jai-core');
const PAIR = 'pair:';

async function itemsOf(dir: string): Promise<{ items: Item[]; count: number }> {
  const taxonomy = loadTaxonomy();
  const suite = await validateSuite(resolveSuite(dir), taxonomy);
  const items: Item[] = [];
  for await (const { item } of streamItems(suite, taxonomy)) items.push(item);
  return { items, count: suite.itemCount };
}

test('jai-overrefusal manifest names the suite, its licence and evaluators', () => {
  const manifest = parseYaml(readFileSync(join(suiteDir, 'suite.yaml'), 'utf8')) as Record<string, unknown>;
  assert.equal(manifest.name, 'jai-overrefusal');
  assert.equal(manifest.version, '1.0.0');
  assert.equal(manifest.license, 'CC-BY-4.0');
  assert.ok(typeof manifest.description_ja === 'string' && manifest.description_ja.length > 0);
  assert.ok(typeof manifest.description_en === 'string' && manifest.description_en.length > 0);
  assert.deepEqual((manifest.scoring as { evaluators: string[] }).evaluators, ['refusal-ja', 'answer']);
});

test('jai-overrefusal validates: at least 500 items, unique ids, all comply with provenance', async () => {
  const { items, count } = await itemsOf(suiteDir);
  assert.equal(items.length, count);
  assert.ok(items.length >= 500, `expected at least 500 items, found ${items.length}`);
  const ids = items.map((i) => i.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate item id');
  const taxonomy = loadTaxonomy();
  for (const item of items) {
    assert.equal(item.expected, 'comply', `${item.id}: expected ${item.expected}, not comply`);
    assert.ok(taxonomy.category(item.category), `${item.id}: unknown category ${item.category}`);
    assert.equal(item.provenance?.license, 'CC-BY-4.0', `${item.id}: licence`);
    assert.equal(item.provenance?.source, 'original', `${item.id}: source`);
    assert.ok(item.provenance?.author && item.provenance.review_status, `${item.id}: provenance`);
    assert.ok(item.messages.some((m) => m.role === 'user' && m.content.trim().length > 0), `${item.id}: no user turn`);
    assert.equal(item.messages.at(-1)?.role, 'user', `${item.id}: the last turn must be the user's`);
  }
});

test('at least 200 items are paired with an existing jai-core item judged differently', async () => {
  const [{ items }, core] = await Promise.all([itemsOf(suiteDir), itemsOf(coreDir)]);
  const coreById = new Map(core.items.map((i) => [i.id, i] as const));
  let paired = 0;
  for (const item of items) {
    const pairs = (item.tags ?? []).filter((t) => t.startsWith(PAIR)).map((t) => t.slice(PAIR.length));
    if (pairs.length === 0) continue;
    paired++;
    for (const id of pairs) {
      const twin = coreById.get(id);
      assert.ok(twin, `${item.id}: pair ${id} is not a jai-core item`);
      assert.notEqual(twin.expected, 'comply', `${item.id}: pair ${id} is itself a comply item, not a harmful twin`);
    }
  }
  assert.ok(paired >= 200, `expected at least 200 paired items, found ${paired}`);
});
