/** `jai-trust run`: plan a run from config and flags (or a stored run to resume), execute it, write outputs. */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import { loadTaxonomy, type Taxonomy } from '../taxonomy/taxonomy.js';
import { resolveSuite, validateSuite, type ValidatedSuite } from '../suites/suite.js';
import { checkSutSpec, createSut, SutConfigSchema, type SutConfig } from '../suts/registry.js';
import type { GenerationParams, Sut, SutResponse } from '../suts/sut.js';
import { DEFAULT_EVALUATORS, planEvaluators, type EvaluatorPlan, type JudgeBinding } from '../evaluators/registry.js';
import { loadConfigFile, type ConfigFile } from '../config/config.js';
import { executeRun, type AttackPlan, type RunOutcome } from '../runner/run.js';
import type { InteractiveAttack, TextAttack } from '../attacks/attack.js';
import { SutLimiter } from '../runner/limits.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from '../runner/retry.js';
import { cacheKey } from '../runner/cache-key.js';
import { createProgress, silentProgress } from '../runner/progress.js';
import type { RunConfigRecord } from '../runner/run-config.js';
import type { RunRecord, Store } from '../store/store.js';
import { writeRunOutputs } from '../report/outputs.js';
import { toolVersion } from '../paths.js';
import { openStore, storePath } from './store-option.js';
import { printSummary, UsageError } from './output.js';
import { wholeNumber } from './number-options.js';
import { DEFAULT_MAX_ITEMS } from '../report/html.js';

export interface RunFlags {
  suite?: string;
  sut?: string[];
  baseUrl?: string;
  apiKeyEnv?: string;
  concurrency?: number;
  rpm?: number;
  timeoutMs?: number;
  retries?: number;
  temperature?: number;
  maxTokens?: number;
  reasoningBudget?: number;
  seed?: number;
  judge?: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
  evaluators?: string;
  cache?: boolean;
  out?: string;
  store?: string;
  config?: string;
  resume?: string;
  quiet?: boolean;
  reportMaxItems?: number;
  /** For tests: retry delay base in ms. */
  retryBaseMs?: number;
  attack?: string;
  attackSeed?: number;
  attacker?: string;
  attackerBaseUrl?: string;
  attackerApiKeyEnv?: string;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('評価を実行する / run a suite against one or more SUTs')
    .option('--suite <id|path>', 'built-in suite name, suite directory, suite.yaml or bare .jsonl file')
    .option('--sut <spec>', 'SUT spec, repeatable: openai/<model> | anthropic/<model> | gguf:<path> | replay:<file.jsonl> | ref/refuse-all | ref/comply-echo', collect, [])
    .option('--base-url <url>', 'endpoint for openai/ and anthropic/ SUTs given by --sut (e.g. http://127.0.0.1:8000/v1)')
    .option('--api-key-env <name>', 'environment variable holding the API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY)')
    .option('--concurrency <n>', 'requests in flight per SUT (default: 16 OpenAI-compatible, 8 Anthropic, 1 GGUF)', int)
    .option('--rpm <n>', 'requests per minute limit per SUT', Number)
    .option('--timeout-ms <ms>', 'per-request timeout (default 120000)', int)
    .option('--retries <n>', `retries per request after the first attempt (default ${DEFAULT_RETRY_POLICY.maxRetries})`, int)
    .option('--temperature <t>', 'sampling temperature', Number)
    .option('--max-tokens <n>', 'token budget of the answer', int)
    .option('--reasoning-budget <n>', 'extra token budget for reasoning models (thinking), on top of --max-tokens', int)
    .option('--seed <n>', 'sampling seed, where the API supports it', int)
    .option('--judge <spec>', 'SUT spec of an LLM judge (adds the llm-judge evaluator)')
    .option('--judge-base-url <url>', 'endpoint of the judge')
    .option('--judge-api-key-env <name>', 'environment variable holding the judge API key')
    .option('--evaluators <ids>', `comma-separated evaluator ids (default: suite's, else ${DEFAULT_EVALUATORS.join(',')})`)
    .option('--attack <names>', 'attacks applied to every item that must be refused: comma-separated names or "all" (see `jai-trust attacks`)')
    .option('--attack-seed <n>', 'seed of the attacks\' randomness (default 0)', int)
    .option('--attacker <spec>', 'SUT spec of the attacker model for attacks that need one (pair)')
    .option('--attacker-base-url <url>', 'endpoint of the attacker model')
    .option('--attacker-api-key-env <name>', 'environment variable holding the attacker API key')
    .option('--no-cache', 'do not read or write the response cache, and do not reuse results of an earlier identical run')
    .option('--out <dir>', 'output directory for results.jsonl, summary.json, report.html (default out/<run-id>)')
    .option('--store <path>', 'SQLite store file (default .jai-trust/jai-trust.db or $JAI_TRUST_STORE)')
    .option('--config <file>', 'config file (default ./jai-trust.yaml when present)')
    .option('--resume <run-id>', 'resume an interrupted run: finished items are kept, the rest are run')
    .option('--quiet', 'no progress output')
    .option('--report-max-items <n>', `results shown in report.html's drill-down, notable ones first (0: all; default ${DEFAULT_MAX_ITEMS}); results.jsonl always has all`, wholeNumber(0))
    .option('--retry-base-ms <ms>', 'base delay of exponential backoff (default 500)', int)
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`not an integer: ${value}`);
  return n;
}

export async function runCommand(flags: RunFlags, file: ConfigFile = loadConfigFile(flags.config)): Promise<number> {
  const store = openStore(storePath(flags.store, file.store));
  // The writer thread starts while the suite is validated, on the other core.
  store.prepareWrites();
  // The SUTs under test, opened before the suite is validated so that their connections open meanwhile.
  const targets: Sut[] = [];
  try {
    const taxonomy = loadTaxonomy();
    if (flags.resume) {
      const { run, config } = await loadRunToResume(store, flags.resume);
      await openTargets(config.suts, targets);
      return await executePlannedRun(store, taxonomy, run, config, flags, targets);
    }
    const suiteRef = flags.suite ?? file.suite;
    if (!suiteRef) throw new UsageError('no suite: give --suite <id|path> or `suite:` in jai-trust.yaml');
    const sutConfigs = checkedSutConfigs(flags, file);
    await openTargets(sutConfigs, targets);
    const { run, config, suite } = await planNewRun(flags, file, store, taxonomy, suiteRef, sutConfigs);
    return await executePlannedRun(store, taxonomy, run, config, flags, targets, suite);
  } finally {
    await Promise.all(targets.map((s) => s.close?.()));
    await store.close();
  }
}

async function openTargets(configs: SutConfig[], into: Sut[]): Promise<void> {
  for (const c of configs) {
    const sut = await createSut(c);
    into.push(sut);
    sut.warmUp?.();
  }
}

function checkedSutConfigs(flags: RunFlags, file: ConfigFile): SutConfig[] {
  const suts = sutConfigsFrom(flags, file);
  if (suts.length === 0) throw new UsageError('no SUT: give --sut <spec> (e.g. --sut openai/<model> --base-url http://127.0.0.1:8000/v1) or `suts:` in jai-trust.yaml');
  for (const s of suts) checkSutSpec(s.sut);
  const ids = suts.map((s) => s.id ?? s.sut);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new UsageError(`two SUTs share the id "${dup}": give each an \`id:\` in jai-trust.yaml`);
  return suts;
}

async function planNewRun(flags: RunFlags, file: ConfigFile, store: Store, taxonomy: Taxonomy, suiteRef: string, suts: SutConfig[]): Promise<{ run: RunRecord; config: RunConfigRecord; suite: ValidatedSuite }> {
  const suite = await validateSuite(resolveSuite(suiteRef), taxonomy);
  const judges = judgeConfigsFrom(flags, file);
  for (const j of judges) checkSutSpec(j.sut);
  const attacker = flags.attacker ? SutConfigSchema.parse({ sut: flags.attacker, ...(flags.attackerBaseUrl ? { base_url: flags.attackerBaseUrl } : {}), ...(flags.attackerApiKeyEnv ? { api_key_env: flags.attackerApiKeyEnv } : {}), params: { temperature: 1, max_tokens: 1024 } }) : null;
  if (attacker) checkSutSpec(attacker.sut);
  const attacks = flags.attack ? (await import('../attacks/registry.js')).selectAttacks(flags.attack, { hasAttacker: attacker !== null }).map((a) => a.name) : [];
  const evaluatorIds = flags.evaluators?.split(',').map((s) => s.trim()).filter(Boolean) ?? file.evaluators ?? suite.manifest.scoring.evaluators ?? DEFAULT_EVALUATORS;
  // Validate the evaluator plan now, before anything is stored.
  const plan = planEvaluators(evaluatorIds, taxonomy, judges.map((j) => ({ judgeId: j.id ?? j.sut, generate: async () => { throw new Error('not started'); } })));
  const retry: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...(flags.retries ?? file.retries) !== undefined ? { maxRetries: (flags.retries ?? file.retries)! } : {},
    ...(flags.retryBaseMs !== undefined ? { baseDelayMs: flags.retryBaseMs } : {}),
  };
  const runId = newRunId();
  const config: RunConfigRecord = {
    suite_ref: suiteRef,
    suite_source: suite.source,
    visibility: suite.manifest.visibility,
    item_count: suite.itemCount,
    suts,
    judges,
    evaluators: evaluatorIds,
    evaluator_versions: plan.describe(),
    safety_source: plan.safetySource,
    retry,
    use_cache: flags.cache ?? file.cache ?? true,
    out: flags.out ?? (file.out ? `${file.out.replace(/\/+$/, '')}/${runId}` : null),
    attacks,
    attack_seed: flags.attackSeed ?? 0,
    attacker,
  };
  await store.saveSuite({ hash: suite.hash, name: suite.manifest.name, version: suite.manifest.version, source: suite.source, visibility: suite.manifest.visibility, item_count: suite.itemCount });
  const run: RunRecord = {
    id: runId, created_at: new Date().toISOString(), finished_at: null, status: 'running',
    suite_hash: suite.hash, suite_name: suite.manifest.name, suite_version: suite.manifest.version, tool_version: toolVersion, config,
  };
  await store.createRun(run);
  return { run, config, suite };
}

async function loadRunToResume(store: Store, runId: string): Promise<{ run: RunRecord; config: RunConfigRecord }> {
  const run = await store.getRun(runId);
  if (!run) throw new UsageError(`no run ${runId} in the store (see \`jai-trust runs\`)`);
  if (run.status === 'completed') throw new UsageError(`run ${runId} is already complete; rebuild its outputs with \`jai-trust report ${runId}\``);
  return { run, config: run.config as RunConfigRecord };
}

/** `suts`: the run's SUTs, opened from `config.suts` in that order (the caller closes them). */
async function executePlannedRun(store: Store, taxonomy: Taxonomy, run: RunRecord, config: RunConfigRecord, flags: RunFlags, suts: Sut[], validated?: ValidatedSuite): Promise<number> {
  // A resumed run validates again: the suite must not have changed since the run began.
  const suite = validated ?? (await validateSuite(resolveSuite(config.suite_source), taxonomy));
  if (suite.hash !== run.suite_hash) {
    throw new UsageError(`suite ${config.suite_source} changed since run ${run.id} started (hash ${suite.hash} ≠ ${run.suite_hash}); start a new run`);
  }
  const controller = new AbortController();
  // Every request in flight listens to this one signal: hundreds at once is expected, not a leak.
  setMaxListeners(0, controller.signal);
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130); // second Ctrl-C: leave now
    process.stderr.write(`\n中断しています… / interrupting: finishing writes (Ctrl-C again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const opened: Sut[] = [];
  try {
    const targets = config.suts.map((c, i) => {
      const sut = suts[i]!;
      return { sut, limiter: new SutLimiter(c.concurrency ?? sut.defaultConcurrency, c.rpm), params: c.params };
    });
    const judges: JudgeBinding[] = [];
    for (const c of config.judges) {
      const sut = await createSut(c);
      opened.push(sut);
      judges.push({ judgeId: c.id ?? c.sut, generate: judgeGenerate(sut, new SutLimiter(c.concurrency ?? sut.defaultConcurrency, c.rpm), store, config, controller.signal), params: c.params });
    }
    const plan = planEvaluators(config.evaluators, taxonomy, judges);
    for (const evaluator of plan.evaluators) evaluator.warmUp?.();
    const attacks = await attackPlanFor(config, taxonomy, store, controller.signal, opened);
    const progress = flags.quiet ? silentProgress : createProgress();
    if (flags.resume) await store.setRunStatus(run.id, 'running');
    const total = suite.itemCount * targets.length * (attacks ? 1 + attacks.text.length + attacks.interactive.length : 1);
    process.stderr.write(`run ${run.id}: ${suite.manifest.name}@${suite.manifest.version} (${suite.itemCount} items) × ${targets.map((t) => t.sut.id).join(', ')}\n`);
    progress.start(total);
    let outcome: RunOutcome;
    try {
      outcome = await executeRun({ runId: run.id, suite, taxonomy, store, targets, evaluators: plan, retry: config.retry, useCache: config.use_cache, resume: Boolean(flags.resume), progress, signal: controller.signal, ...(attacks ? { attacks } : {}), reuseScope: reuseScopeOf(config, plan) });
    } catch (e) {
      progress.stop();
      await store.setRunStatus(run.id, 'failed', new Date().toISOString());
      throw e;
    }
    progress.stop();
    if (outcome.interrupted) {
      await store.setRunStatus(run.id, 'interrupted');
      process.stderr.write(`中断しました / interrupted: ${await store.countResults(run.id)}/${total} results kept. 再開 / resume: jai-trust run --resume ${run.id}\n`);
      return 130;
    }
    await store.setRunStatus(run.id, 'completed', new Date().toISOString());
    const finished = (await store.getRun(run.id))!;
    const { paths, summary } = await writeRunOutputs(store, finished, config.out ?? `out/${run.id}`, taxonomy, { ...(flags.reportMaxItems !== undefined ? { maxItems: flags.reportMaxItems } : {}) });
    printSummary(summary, outcome);
    process.stdout.write(`\nreport:  ${paths.report}\nresults: ${paths.results}\nsummary: ${paths.summary}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await Promise.all(opened.map((s) => s.close?.()));
  }
}

/** What a run's results depend on besides the suite and the SUT: evaluators with their versions, judges, attacks. */
function reuseScopeOf(config: RunConfigRecord, plan: EvaluatorPlan): unknown {
  return { evaluators: plan.describe(), safety: plan.safetySource, judges: config.judges, attacks: config.attacks ?? [], attack_seed: config.attack_seed ?? 0, attacker: config.attacker ?? null };
}

async function attackPlanFor(config: RunConfigRecord, taxonomy: Taxonomy, store: Store, signal: AbortSignal, opened: Sut[]): Promise<AttackPlan | undefined> {
  if (!config.attacks || config.attacks.length === 0) return undefined;
  // Loaded only when attacks are asked for: they bring the image renderer and the kana dictionary.
  const { selectAttacks, expandTextAttack } = await import('../attacks/registry.js');
  const { loadJapaneseTools } = await import('../attacks/japanese/tools.js');
  const chosen = selectAttacks(config.attacks.join(','), { hasAttacker: Boolean(config.attacker) });
  let attacker: AttackPlan['attacker'];
  if (config.attacker) {
    const sut = await createSut(config.attacker);
    opened.push(sut);
    const generate = judgeGenerate(sut, new SutLimiter(config.attacker.concurrency ?? sut.defaultConcurrency, config.attacker.rpm), store, config, signal);
    attacker = (messages) => generate({ itemId: 'attacker', messages: messages.map((m) => ({ role: m.role, content: m.content })), params: config.attacker!.params });
  }
  return {
    text: chosen.filter((a): a is TextAttack => a.kind !== 'multi-turn'),
    interactive: chosen.filter((a): a is InteractiveAttack => a.kind === 'multi-turn'),
    seed: config.attack_seed ?? 0,
    japanese: await loadJapaneseTools(),
    expand: expandTextAttack,
    ...(attacker ? { attacker } : {}),
    taxonomyName: (code) => taxonomy.category(code)?.name_ja ?? code,
  };
}

/** The judge's model calls get the same care as a SUT's: limits, retries, cache. */
function judgeGenerate(sut: Sut, limiter: SutLimiter, store: Store, config: RunConfigRecord, signal: AbortSignal): JudgeBinding['generate'] {
  return async ({ itemId, messages, params }) => {
    const merged: GenerationParams = params;
    const key = sut.cacheable && config.use_cache ? cacheKey(sut.identity, messages.map((m) => ({ role: m.role, content: m.content })), merged) : null;
    const hit = key ? await store.cacheGet(key) : undefined;
    if (hit) return hit;
    const { value } = await limiter.run(() => withRetry(() => sut.generate({ itemId, messages, params: merged, signal }), config.retry, signal), signal);
    if (key) await store.cachePut(key, sut.id, value as SutResponse);
    return value;
  };
}

function sutConfigsFrom(flags: RunFlags, file: ConfigFile): SutConfig[] {
  const params = mergeParams(file.params ?? {}, flags);
  const fromFlags = (flags.sut ?? []).map((spec) =>
    SutConfigSchema.parse({
      sut: spec,
      ...(flags.baseUrl ? { base_url: flags.baseUrl } : {}),
      ...(flags.apiKeyEnv ? { api_key_env: flags.apiKeyEnv } : {}),
      params,
    }),
  );
  const base = fromFlags.length > 0 ? fromFlags : (file.suts ?? []).map((s) => ({ ...s, params: mergeParams({ ...(file.params ?? {}), ...s.params }, flags) }));
  return base.map((s) => applyLimits(s, flags, file));
}

function judgeConfigsFrom(flags: RunFlags, file: ConfigFile): SutConfig[] {
  if (flags.judge) {
    return [SutConfigSchema.parse({ sut: flags.judge, ...(flags.judgeBaseUrl ? { base_url: flags.judgeBaseUrl } : {}), ...(flags.judgeApiKeyEnv ? { api_key_env: flags.judgeApiKeyEnv } : {}), ...(flags.timeoutMs ? { timeout_ms: flags.timeoutMs } : {}) })];
  }
  if (!file.judge) return [];
  return Array.isArray(file.judge) ? file.judge : [file.judge];
}

function mergeParams(base: GenerationParams, flags: RunFlags): GenerationParams {
  return {
    ...base,
    ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
    ...(flags.maxTokens !== undefined ? { max_tokens: flags.maxTokens } : {}),
    ...(flags.reasoningBudget !== undefined ? { reasoning_budget: flags.reasoningBudget } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
  };
}

function applyLimits(s: SutConfig, flags: RunFlags, file: ConfigFile): SutConfig {
  const concurrency = flags.concurrency ?? s.concurrency ?? file.concurrency;
  const rpm = flags.rpm ?? s.rpm ?? file.rpm;
  const timeout = flags.timeoutMs ?? s.timeout_ms ?? file.timeout_ms;
  return { ...s, ...(concurrency ? { concurrency } : {}), ...(rpm ? { rpm } : {}), ...(timeout ? { timeout_ms: timeout } : {}) };
}

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${t}-${randomBytes(3).toString('hex')}`;
}
