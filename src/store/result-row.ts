/** Turning a stored result row into the public ResultRow shape; shared by every backend. */
import { createHash } from 'node:crypto';
import type { Expected, Message, Persona } from '../items/schema.js';
import type { Verdict } from '../evaluators/evaluator.js';
import type { ResultRow } from '../scoring/types.js';

export interface ResultDbRow {
  run_id: string;
  sut: string;
  item_id: string;
  category: string;
  expected: string;
  persona: string;
  messages_json: string;
  response: string | null;
  reasoning: string | null;
  truncated: number | boolean;
  refused: number | boolean | null;
  unsafe: number | boolean | null;
  correct: number | boolean | null;
  verdicts_json: string;
  error: string | null;
  cached: number | boolean;
  latency_ms: number | null;
  attack?: string | null;
  seed_item_id?: string | null;
  attack_params_json?: string | null;
  tags_json?: string | null;
}

const toBool = (v: number | boolean | null): boolean | null => (v === null ? null : Boolean(v));
const digest = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export function rowToResult(row: ResultDbRow, redact: boolean): ResultRow {
  const verdicts = JSON.parse(row.verdicts_json) as Verdict[];
  const result: ResultRow = {
    run_id: row.run_id,
    item_id: row.item_id,
    category: row.category,
    expected: row.expected as Expected,
    persona: row.persona as Persona,
    sut: row.sut,
    messages: JSON.parse(row.messages_json) as Message[],
    response: row.response,
    reasoning: row.reasoning,
    truncated: Boolean(row.truncated),
    refused: toBool(row.refused),
    unsafe: toBool(row.unsafe),
    correct: toBool(row.correct),
    verdicts,
    error: row.error,
    cached: Boolean(row.cached),
    latency_ms: row.latency_ms,
    attack: row.attack ?? null,
    seed_item_id: row.seed_item_id ?? null,
    ...(row.attack_params_json ? { attack_params: JSON.parse(row.attack_params_json) as Record<string, unknown> } : {}),
    ...(row.tags_json ? { tags: JSON.parse(row.tags_json) as string[] } : {}),
  };
  if (!redact) return result;
  // Hidden suites: the text never leaves the store; hashes let two parties check they saw the same thing.
  return {
    ...result,
    // Hashed as the runner serialises messages, whichever table they were read from.
    messages: [{ role: 'user', content: digest(JSON.stringify(result.messages)) }],
    response: row.response === null ? null : digest(row.response),
    reasoning: row.reasoning === null ? null : digest(row.reasoning),
    verdicts: verdicts.map((v) => ({ ...v, ...(v.rationale ? { rationale: digest(v.rationale) } : {}) })),
  };
}
