/**
 * `jai-trust evaluate-evaluator <evaluator>`: measure an evaluator against human labels.
 *
 *   refusal-ja                      three-way refusal labels (data/evaluator-validation/refusal-ja-labelled.jsonl)
 *   refusal-proxy                   safe/unsafe labels (data/evaluator-validation/safety-labelled.jsonl)
 *   llm-judge                       the same, judged by a model: --judge <sut spec> [--judge-base-url] [--judge-api-key-env]
 *   ensemble/majority|any-unsafe    refusal-proxy + the judge, combined as in a run
 *
 * The safety evaluators run exactly as in `jai-trust run` (planEvaluators, the same judge
 * prompt and parser, the same SUT adapters with concurrency/rate limits and retries); only the
 * response cache is not used, so every measurement asks the judge afresh.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { classifyRefusal } from '../evaluators/refusal-ja.js';
import { formatRefusalAccuracyReport, measureRefusalClassifierOnFile } from '../evaluators/refusal-accuracy.js';
import {
  formatSafetyAccuracyReport,
  loadSafetyLabelledJsonl,
  summariseSafety,
  type LabelledSafetyExample,
  type SafetyAccuracyReport,
  type SafetyPrediction,
} from '../evaluators/evaluator-accuracy.js';
import { planEvaluators, type EvaluatorPlan, type JudgeBinding } from '../evaluators/registry.js';
import { combineSafetyVerdicts } from '../evaluators/ensemble.js';
import type { Verdict } from '../evaluators/evaluator.js';
import type { Item } from '../items/schema.js';
import { loadTaxonomy } from '../taxonomy/taxonomy.js';
import { checkSutSpec, createSut, SutConfigSchema } from '../suts/registry.js';
import type { Sut, SutResponse } from '../suts/sut.js';
import { SutLimiter } from '../runner/limits.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from '../runner/retry.js';
import { packageRoot } from '../paths.js';
import { terminalSafe } from '../text/terminal-safe.js';
import { UsageError } from './output.js';
import { wholeNumber } from './number-options.js';

export const MEASURABLE_EVALUATORS = ['refusal-ja', 'refusal-proxy', 'llm-judge', 'ensemble/majority', 'ensemble/any-unsafe'] as const;
type Measurable = (typeof MEASURABLE_EVALUATORS)[number];

const VALIDATION_DIR = join(packageRoot, 'data', 'evaluator-validation');
export const DEFAULT_LABELS: Record<'refusal' | 'safety', string> = {
  refusal: join(VALIDATION_DIR, 'refusal-ja-labelled.jsonl'),
  safety: join(VALIDATION_DIR, 'safety-labelled.jsonl'),
};
const DEFAULT_JUDGE_CONCURRENCY = 4;

interface Flags {
  labels?: string;
  json?: boolean;
  judge?: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
  concurrency?: number;
  rpm?: number;
  timeoutMs?: number;
  retries?: number;
  retryBaseMs?: number;
}

export function registerEvaluateEvaluatorCommand(program: Command): void {
  program
    .command('evaluate-evaluator')
    .description('評価器の精度を人手ラベルで測る / measure an evaluator against human labels')
    .argument('<evaluator>', MEASURABLE_EVALUATORS.join(' | '))
    .option('--labels <file>', 'labelled JSONL (refusal-ja: {id, response, label}; safety evaluators: {id, category, prompt, expected, response, label: safe|unsafe})')
    .option('--json', 'print as JSON')
    .option('--judge <spec>', 'SUT spec of the judge model for llm-judge and ensembles, e.g. openai/<model>')
    .option('--judge-base-url <url>', 'endpoint of the judge')
    .option('--judge-api-key-env <name>', 'environment variable holding the judge API key')
    .option('--concurrency <n>', `judge requests in flight (default ${DEFAULT_JUDGE_CONCURRENCY})`, positiveInt)
    .option('--rpm <n>', 'judge requests per minute limit', Number)
    .option('--timeout-ms <ms>', 'per-request timeout of the judge (default 120000)', positiveInt)
    .option('--retries <n>', `retries per judge request after the first attempt (default ${DEFAULT_RETRY_POLICY.maxRetries})`, nonNegativeInt)
    .option('--retry-base-ms <ms>', 'base delay of exponential backoff (default 500)', nonNegativeInt)
    .action(async (id: string, flags: Flags) => {
      process.exitCode = await evaluateEvaluatorCommand(id, flags);
    });
}

const positiveInt = wholeNumber(1);
const nonNegativeInt = wholeNumber(0);

/** Print `value` as JSON, escaping the control and bidi characters JSON.stringify leaves raw. */
function printJson(value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  process.stdout.write(text + '\n');
}

export async function evaluateEvaluatorCommand(id: string, flags: Flags): Promise<number> {
  if (!(MEASURABLE_EVALUATORS as readonly string[]).includes(id)) {
    throw new UsageError(`evaluate-evaluator: unknown evaluator "${id}"; available: ${MEASURABLE_EVALUATORS.join(', ')}`);
  }
  const evaluator = id as Measurable;
  if (evaluator === 'refusal-ja') {
    if (flags.judge) throw new UsageError('refusal-ja is rule-based: --judge does not apply');
    const report = measureRefusalClassifierOnFile(classifyRefusal, flags.labels ?? DEFAULT_LABELS.refusal);
    if (flags.json) printJson(report);
    else process.stdout.write(formatRefusalAccuracyReport(report, 'refusal-ja') + '\n');
    return 0;
  }
  const needsJudge = evaluator !== 'refusal-proxy';
  if (needsJudge && !flags.judge) throw new UsageError(`${evaluator} needs a judge model: --judge <sut spec> (e.g. --judge openai/<model> --judge-base-url http://127.0.0.1:8000/v1)`);
  if (!needsJudge && flags.judge) throw new UsageError('refusal-proxy is rule-based: --judge does not apply (measure the judge with `evaluate-evaluator llm-judge`)');
  const taxonomy = loadTaxonomy();
  const examples = loadSafetyLabelledJsonl(flags.labels ?? DEFAULT_LABELS.safety);
  const unknown = [...new Set(examples.map((e) => e.category))].filter((c) => !taxonomy.category(c));
  if (unknown.length > 0) throw new UsageError(`labelled set uses categories not in the taxonomy: ${unknown.join(', ')}`);

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let sut: Sut | undefined;
  try {
    const judges: JudgeBinding[] = [];
    if (flags.judge) {
      checkSutSpec(flags.judge);
      const config = SutConfigSchema.parse({
        sut: flags.judge,
        ...(flags.judgeBaseUrl ? { base_url: flags.judgeBaseUrl } : {}),
        ...(flags.judgeApiKeyEnv ? { api_key_env: flags.judgeApiKeyEnv } : {}),
        ...(flags.timeoutMs ? { timeout_ms: flags.timeoutMs } : {}),
      });
      sut = await createSut(config);
      const policy: RetryPolicy = {
        ...DEFAULT_RETRY_POLICY,
        ...(flags.retries !== undefined ? { maxRetries: flags.retries } : {}),
        ...(flags.retryBaseMs !== undefined ? { baseDelayMs: flags.retryBaseMs } : {}),
      };
      const limiter = new SutLimiter(flags.concurrency ?? DEFAULT_JUDGE_CONCURRENCY, flags.rpm);
      const judgeSut = sut;
      judges.push({
        judgeId: config.id ?? config.sut,
        generate: async ({ itemId, messages, params }) =>
          (await limiter.run(() => withRetry(() => judgeSut.generate({ itemId, messages, params, signal: controller.signal }), policy, controller.signal), controller.signal)).value,
      });
      process.stderr.write(`judging ${examples.length} labelled responses with ${terminalSafe(flags.judge)} (concurrency ${flags.concurrency ?? DEFAULT_JUDGE_CONCURRENCY})…\n`);
    }
    const ids = evaluator === 'refusal-proxy' ? ['refusal-proxy'] : evaluator === 'llm-judge' ? ['llm-judge'] : ['refusal-proxy', 'llm-judge', evaluator];
    const plan = planEvaluators(ids, taxonomy, judges);
    const target = plan.safetySource!;
    const t0 = performance.now();
    const predictions = await Promise.all(examples.map((ex) => predict(plan, target, ex)));
    const elapsed = performance.now() - t0;
    if (controller.signal.aborted) {
      process.stderr.write('中断しました / interrupted: no report\n');
      return 130;
    }
    const report: SafetyAccuracyReport = summariseSafety(target, examples, predictions, elapsed);
    if (flags.json) printJson(report);
    else process.stdout.write(formatSafetyAccuracyReport(report, terminalSafe) + '\n');
    if (report.errors.count > 0) process.stderr.write(`warning: ${report.errors.count} evaluator error(s); they count as wrong, never as a pass\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await sut?.close?.();
  }
}

/** The labelled example as the item a run would have had: one user turn. */
export function exampleItem(ex: LabelledSafetyExample): Item {
  return { id: ex.id, category: ex.category, locale: 'ja-JP', persona: 'typical', expected: ex.expected, messages: [{ role: 'user', content: ex.prompt }] };
}

/** Run the plan's evaluators on one example as the runner does, and read off the target verdict. */
async function predict(plan: EvaluatorPlan, target: string, ex: LabelledSafetyExample): Promise<SafetyPrediction> {
  const item = exampleItem(ex);
  const response: SutResponse = { text: ex.response, truncated: false };
  const verdicts: Verdict[] = [];
  for (const evaluator of plan.evaluators) {
    if (evaluator.kind !== 'safety' || !evaluator.appliesTo(item)) continue;
    try {
      verdicts.push(await evaluator.evaluate({ item, response }));
    } catch (e) {
      verdicts.push({ evaluator: evaluator.id, version: evaluator.version, kind: evaluator.kind, label: 'error', score: null, unsafe: null, error: (e as Error).message });
    }
  }
  for (const rule of plan.ensembles) {
    if (verdicts.length > 0) verdicts.push(combineSafetyVerdicts(rule, verdicts));
  }
  const v = verdicts.find((x) => x.evaluator === target);
  if (!v || v.label === 'not_applicable') return { outcome: 'not_applicable' };
  const extra = { score: v.score, ...(v.rationale !== undefined ? { rationale: v.rationale } : {}) };
  if (v.error !== undefined || v.unsafe === null || v.unsafe === undefined) return { outcome: 'error', error: v.error ?? `${v.evaluator} gave no verdict`, ...extra };
  return { outcome: v.unsafe ? 'unsafe' : 'safe', ...extra };
}
