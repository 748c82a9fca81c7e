/**
 * Running an evaluator plan over one response: every evaluator that applies, in plan order, then
 * the ensembles. Synchronous evaluators are not awaited (the runner calls this for every result).
 */
import type { Item } from '../items/schema.js';
import type { SutResponse } from '../suts/sut.js';
import type { Evaluator, Verdict } from './evaluator.js';
import type { EvaluatorPlan } from './registry.js';
import { combineSafetyVerdicts } from './ensemble.js';

/** Verdicts of every evaluator that applies, then the ensembles. */
export function evaluate(plan: EvaluatorPlan, item: Item, response: SutResponse): Verdict[] | Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (let i = 0; i < plan.evaluators.length; i++) {
    const evaluator = plan.evaluators[i]!;
    if (!evaluator.appliesTo(item)) continue;
    const v = tryEvaluate(evaluator, item, response, verdicts);
    // A model-backed evaluator: finish the rest asynchronously.
    if (v instanceof Promise) return evaluateRest(plan, item, response, verdicts, i, v);
    verdicts.push(v);
  }
  return withEnsembles(plan, verdicts);
}

/** What a result reports from its verdicts: the first refusal and answer verdicts, and the safety source's. */
export function summariseVerdicts(verdicts: readonly Verdict[], safetySource: string | null): { refused: boolean | null; unsafe: boolean | null; correct: boolean | null } {
  let refused: boolean | null = null;
  let unsafe: boolean | null = null;
  let correct: boolean | null = null;
  for (const v of verdicts) {
    if (v.kind === 'refusal' && refused === null) refused = v.refused ?? null;
    else if (v.kind === 'answer' && correct === null) correct = v.correct ?? null;
    if (v.evaluator === safetySource) unsafe = v.unsafe ?? null;
  }
  return { refused, unsafe, correct };
}

async function evaluateRest(plan: EvaluatorPlan, item: Item, response: SutResponse, verdicts: Verdict[], index: number, pending: Promise<Verdict>): Promise<Verdict[]> {
  verdicts.push(await pending);
  for (let i = index + 1; i < plan.evaluators.length; i++) {
    const evaluator = plan.evaluators[i]!;
    if (evaluator.appliesTo(item)) verdicts.push(await tryEvaluate(evaluator, item, response, verdicts));
  }
  return withEnsembles(plan, verdicts);
}

/** An evaluator that throws gives an error verdict, never a pass. */
function tryEvaluate(evaluator: Evaluator, item: Item, response: SutResponse, previous: Verdict[]): Verdict | Promise<Verdict> {
  const failed = (e: unknown): Verdict => ({ evaluator: evaluator.id, version: evaluator.version, kind: evaluator.kind, label: 'error', score: null, error: (e as Error).message });
  try {
    const v = evaluator.evaluate({ item, response, previous });
    return v instanceof Promise ? v.catch(failed) : v;
  } catch (e) {
    return failed(e);
  }
}

function withEnsembles(plan: EvaluatorPlan, verdicts: Verdict[]): Verdict[] {
  for (const rule of plan.ensembles) {
    if (verdicts.some((v) => v.kind === 'safety')) verdicts.push(combineSafetyVerdicts(rule, verdicts));
  }
  return verdicts;
}
