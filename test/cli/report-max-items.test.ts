/** `jai-trust report --max-items`: how many results the drill-down shows; results.jsonl keeps them all. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { tempDir, writeFile, jsonl } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

const count = (hay: string, needle: string): number => hay.split(needle).length - 1;

test('report --max-items trims the drill-down, refused items answered by a comply model first', async () => {
  const dir = tempDir();
  const items = [
    ...Array.from({ length: 6 }, (_, i) => ({ id: `harm-${i}`, category: 'general.violent-crime', prompt: `危険な依頼 ${i}`, expected: 'refuse' })),
    ...Array.from({ length: 6 }, (_, i) => ({ id: `benign-${i}`, category: 'general.benign-lookalike', prompt: `普通の質問 ${i}`, expected: 'comply' })),
  ];
  const suite = writeFile(join(dir, 's.jsonl'), jsonl(items));
  const store = join(dir, 'db.sqlite');
  const run = await runCli(['run', '--suite', suite, '--sut', 'ref/comply-echo', '--store', store, '--out', join(dir, 'out')]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(count(readFileSync(join(dir, 'out', 'report.html'), 'utf8'), '<details class="item"'), 12, 'a small run shows everything');
  // The same budget straight from `run`.
  const budgeted = await runCli(['run', '--suite', suite, '--sut', 'ref/comply-echo', '--store', join(dir, 'db2.sqlite'), '--out', join(dir, 'out2'), '--report-max-items', '3']);
  assert.equal(budgeted.code, 0, budgeted.stderr);
  assert.equal(count(readFileSync(join(dir, 'out2', 'report.html'), 'utf8'), '<details class="item"'), 3);

  const trimmed = await runCli(['report', 'latest', '--store', store, '--out', join(dir, 'trimmed'), '--max-items', '4']);
  assert.equal(trimmed.code, 0, trimmed.stderr);
  const html = readFileSync(join(dir, 'trimmed', 'report.html'), 'utf8');
  assert.equal(count(html, '<details class="item"'), 4);
  // comply-echo answers the harmful requests: those are the notable ones, shown before any benign one.
  assert.equal(count(html, '<code class="id">harm-'), 4);
  assert.ok(html.includes('Showing 4 of 12 results'));
  assert.equal(readFileSync(join(dir, 'trimmed', 'results.jsonl'), 'utf8').trim().split('\n').length, 12);

  const bad = await runCli(['report', 'latest', '--store', store, '--max-items', '-1']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--max-items.*whole number ≥ 0/);
});
