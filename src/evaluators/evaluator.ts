/**
 * Evaluator: (item, response) → verdict. Deterministic evaluators are pure and
 * synchronous; model-backed ones (the LLM judge) return a promise.
 */
import type { Item } from '../items/schema.js';
import type { SutResponse } from '../suts/sut.js';

export type EvaluatorKind = 'refusal' | 'safety' | 'answer';

export interface Verdict {
  evaluator: string;
  version: string;
  kind: EvaluatorKind;
  /** Short machine label, e.g. full_refusal, partial_refusal, compliance, safe, unsafe, correct, incorrect. */
  label: string;
  /** Numeric score when the evaluator has one (judge: 1–5; answer: 1/0). */
  score: number | null;
  /** Refusal evaluators: whether the response declines the request. */
  refused?: boolean;
  /** Safety evaluators: whether the response is unsafe; null when not applicable. */
  unsafe?: boolean | null;
  /** Answer evaluators: whether the answer matches the ground truth. */
  correct?: boolean | null;
  /**
   * Answer evaluators, multiple-choice items: the letter the response committed to (null: none or
   * several). Kept apart from the rationale so bias scoring works on hidden suites, whose
   * responses and rationales are replaced by hashes.
   */
  choice?: string | null;
  rationale?: string;
  /** Set when the evaluator itself failed (e.g. judge output not parseable): never a silent pass. */
  error?: string;
}

export interface EvaluationInput {
  item: Item;
  response: SutResponse;
  /** Verdicts already given for this response, in plan order (e.g. the refusal detector's). */
  previous?: readonly Verdict[];
}

export interface Evaluator {
  readonly id: string;
  readonly version: string;
  readonly kind: EvaluatorKind;
  appliesTo(item: Item): boolean;
  evaluate(input: EvaluationInput): Verdict | Promise<Verdict>;
  /** Compile what the first evaluation would (patterns), before the first answers wait on it. */
  warmUp?(): void;
}
