/**
 * The runner: suite × SUTs × evaluators → results in the store. Items stream in, each
 * item × SUT is processed under its SUT's limits, results stream out in batches. A run
 * killed at any point resumes with `resume: true`: finished pairs are skipped, the rest
 * are done, and the store's primary key makes a duplicate impossible.
 */
import type { Item, Message } from '../items/schema.js';
import type { LoadedItem, ValidatedSuite } from '../suites/suite.js';
import { streamItems } from '../suites/suite.js';
import { loadImageBase64 } from '../suites/images.js';
import type { Taxonomy } from '../taxonomy/taxonomy.js';
import type { ResultRecord, Store } from '../store/store.js';
import type { Sut, SutMessage, SutResponse, GenerationParams } from '../suts/sut.js';
import type { EvaluatorPlan } from '../evaluators/registry.js';
import { evaluate, summariseVerdicts } from '../evaluators/evaluate.js';
import { Semaphore, SutLimiter } from './limits.js';
import { withRetry, type RetryPolicy } from './retry.js';
import { cacheKeyIn, keySpace, type KeySpace } from './cache-key.js';
import { seededRandom as seededRandomFor } from '../attacks/random.js';
import { ResultWriter } from './result-writer.js';
import { afterPendingIo } from './io-first.js';
import type { ProgressReporter } from './progress.js';
import type { AttackedItem, InteractiveAttack, JapaneseTools, TextAttack } from '../attacks/attack.js';
import { resolveImageRef, type ResolvedImage } from '../suites/images.js';
import { classifyRefusal } from '../evaluators/refusal-ja.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../text/canonical-json.js';

export interface RunTarget {
  sut: Sut;
  limiter: SutLimiter;
  params: GenerationParams;
  /** Canonical identity + parameters, computed once per SUT for the cache keys. */
  keySpace?: KeySpace;
  /** The cache holds nothing for this SUT configuration (checked at the start): no look-ups. */
  cacheEmpty?: boolean;
}

/** Attacks applied to every item that must be refused, beside the item as written. */
export interface AttackPlan {
  text: TextAttack[];
  interactive: InteractiveAttack[];
  seed: number;
  japanese: JapaneseTools;
  /** The registry's expansion (passed in so that runs without attacks never load the image and kana code). */
  expand(attack: TextAttack, item: Item, seed: number, japanese: JapaneseTools): AttackedItem[];
  /** The attacker model for attacks that need one (PAIR). */
  attacker?: (messages: Message[]) => Promise<SutResponse>;
  taxonomyName(code: string): string;
}

/** One thing to send: the item as written, or one attacked variant of it. */
interface Unit {
  seed: Item;
  id: string;
  messages: Message[];
  images: Map<string, ResolvedImage>;
  attack?: { name: string; version: string; params: Record<string, unknown> };
  interactive?: InteractiveAttack;
  /** The messages as shown and cached (see shownOf), computed once for every target. */
  shown?: Message[];
}

/** Room for this many variants per seed item in the result order (seq = item × this + variant). */
const UNITS_PER_ITEM = 64;

export interface RunContext {
  runId: string;
  suite: ValidatedSuite;
  taxonomy: Taxonomy;
  store: Store;
  targets: RunTarget[];
  evaluators: EvaluatorPlan;
  retry: RetryPolicy;
  useCache: boolean;
  /** Skip item × SUT pairs that already have a result. */
  resume: boolean;
  progress: ProgressReporter;
  /** Aborted on Ctrl-C: no new work starts, in-flight calls are cancelled, finished results are kept. */
  signal: AbortSignal;
  attacks?: AttackPlan;
  /**
   * Everything besides the suite and the SUT that a run's results depend on (evaluators and their
   * versions, judges, attacks). Given, with the cache on, results of an earlier run with the same
   * scope are reused; left out, every result is evaluated anew.
   */
  reuseScope?: unknown;
}

export interface RunOutcome {
  processed: number;
  skipped: number;
  errors: number;
  cached: number;
  /** Results copied from an earlier run with the same reuse key (counted in processed and cached too). */
  reused: number;
  interrupted: boolean;
}

/** Items read, checked and looked up together: one cache query and one resume query per chunk. */
const CHUNK_ITEMS = 32;

/** What a unit × target needs before it starts: its cache key and, when the cache has it, the answer. */
interface Prefetched {
  key: string | null;
  hit: SutResponse | undefined;
}

export async function executeRun(ctx: RunContext): Promise<RunOutcome> {
  const writer = new ResultWriter(ctx.store);
  const totalSlots = ctx.targets.reduce((sum, t) => sum + t.limiter.concurrency, 0);
  // Bound the work in flight: every SUT's slots, as many answers waiting for evaluation (fresh
  // answers are evaluated after the I/O at hand, see afterPendingIo) and a few ready to go; never the whole suite.
  const window = new Semaphore(Math.max(32, 2 * totalSlots + 16));
  const outcome: RunOutcome = { processed: 0, skipped: 0, errors: 0, cached: 0, reused: 0, interrupted: false };
  const failures: unknown[] = [];
  // A suite's items are stored once per content hash; later runs of it skip the writes.
  const itemsStored = (await ctx.store.countItems(ctx.suite.hash)) === ctx.suite.itemCount;
  // Targets whose run may already hold results: resumed runs, and results reused from an earlier run.
  const mayHaveResults = new Set<RunTarget>();
  for (const target of ctx.targets) {
    if (ctx.resume) mayHaveResults.add(target);
    const reused = await reuseEarlierResults(ctx, target);
    if (reused > 0) mayHaveResults.add(target);
    outcome.reused += reused;
  }

  const finish = (record: ResultRecord | null): void => {
    window.release();
    if (!record) return;
    outcome.processed++;
    if (record.error) outcome.errors++;
    if (record.cached) outcome.cached++;
    writer.add(record);
    ctx.progress.tick(record);
  };

  /** Start every unit × target of a chunk of items, as the window lets them in. */
  const dispatch = async (chunk: LoadedItem[], firstSeq: number): Promise<void> => {
    // Not awaited: the store commits items before the results handed over after them.
    if (!itemsStored) writer.track(ctx.store.saveItems(ctx.suite.hash, chunk.map((l) => l.item)));
    // Let answers that arrived be handled before preparing more, and let the store catch up.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await writer.ready();
    const units: { unit: Unit; seq: number }[] = [];
    chunk.forEach((loaded, i) => unitsOf(loaded, ctx.attacks).forEach((unit, u) => units.push({ unit, seq: (firstSeq + i) * UNITS_PER_ITEM + u })));
    for (const target of ctx.targets) {
      let todo = units;
      if (mayHaveResults.has(target)) {
        const done = await ctx.store.doneItemIds(ctx.runId, target.sut.id, units.map((u) => u.unit.id));
        if (done.size > 0) {
          todo = units.filter((u) => !done.has(u.unit.id));
          outcome.skipped += units.length - todo.length;
          for (let i = todo.length; i < units.length; i++) ctx.progress.skip();
        }
      }
      const prefetched = await prefetchResponses(ctx, target, todo.map((u) => u.unit));
      for (let i = 0; i < todo.length; i++) {
        const wait = window.acquire();
        if (wait) await wait;
        if (ctx.signal.aborted) {
          window.release();
          return;
        }
        processPair(ctx, todo[i]!.unit, todo[i]!.seq, target, prefetched[i]!).then(finish, (e: unknown) => {
          window.release();
          failures.push(e);
        });
      }
    }
  };

  // Everything already there (an identical re-run, a finished resume): nothing to stream.
  const complete = itemsStored && (await allTargetsComplete(ctx, mayHaveResults));
  try {
    let chunk: LoadedItem[] = [];
    let seq = 0;
    for await (const loaded of complete ? [] : streamItems(ctx.suite, ctx.taxonomy)) {
      if (ctx.signal.aborted) break;
      chunk.push(loaded);
      if (chunk.length < CHUNK_ITEMS) continue;
      await dispatch(chunk, seq);
      seq += chunk.length;
      chunk = [];
    }
    if (chunk.length > 0 && !ctx.signal.aborted) await dispatch(chunk, seq);
  } finally {
    // Wait for everything in flight, then write what finished.
    for (let i = 0; i < window.capacity; i++) {
      const wait = window.acquire();
      if (wait) await wait;
    }
    await writer.close();
  }
  const real = failures.filter((e) => (e as Error)?.name !== 'AbortError');
  if (real.length > 0) throw real[0];
  if (complete) {
    outcome.skipped = ctx.suite.itemCount * ctx.targets.length;
    for (let i = 0; i < outcome.skipped; i++) ctx.progress.skip();
  }
  // Reused results were found again while streaming: they were copied, not resumed over
  // (an interrupted run may not have reached them all).
  outcome.skipped = Math.max(0, outcome.skipped - outcome.reused);
  outcome.processed += outcome.reused;
  outcome.cached += outcome.reused;
  outcome.interrupted = ctx.signal.aborted;
  return outcome;
}

/** Whether every target already holds a result for every item (only knowable without attacks, whose variants vary). */
async function allTargetsComplete(ctx: RunContext, mayHaveResults: Set<RunTarget>): Promise<boolean> {
  if (ctx.attacks) return false;
  for (const target of ctx.targets) {
    if (!mayHaveResults.has(target)) return false;
    if ((await ctx.store.countSutResults(ctx.runId, target.sut.id)) !== ctx.suite.itemCount) return false;
  }
  return true;
}

/**
 * A target's results depend on the suite, the SUT's identity and parameters, and the run's
 * evaluators and attacks (`ctx.reuseScope`). When an earlier run had the same, its finished,
 * error-free results are copied instead of being evaluated again. Returns how many were copied.
 */
async function reuseEarlierResults(ctx: RunContext, target: RunTarget): Promise<number> {
  if (ctx.reuseScope === undefined || !ctx.useCache || !target.sut.cacheable) return 0;
  const space = spaceOf(target);
  const reuseKey = createHash('sha256').update(canonicalJson({ v: 1, suite: ctx.suite.hash, target: space.prefix, scope: ctx.reuseScope })).digest('hex');
  const before = await ctx.store.countSutResults(ctx.runId, target.sut.id);
  const from = await ctx.store.reuseResults(ctx.runId, target.sut.id, reuseKey);
  return from ? (await ctx.store.countSutResults(ctx.runId, target.sut.id)) - before : 0;
}

function spaceOf(target: RunTarget): KeySpace {
  return (target.keySpace ??= keySpace(target.sut.identity, target.params));
}

/** The response cache key of these messages (as shown: images by hash) for this target; null when its answers are not cached. */
function cacheKeyOf(ctx: RunContext, target: RunTarget, shown: Message[]): string | null {
  return target.sut.cacheable && ctx.useCache ? cacheKeyIn(spaceOf(target), shown) : null;
}

function shownOf(unit: Unit): Message[] {
  return (unit.shown ??= showMessages(unit.messages, unit.images));
}

/** Cache keys of the units for this target, and the cached answers among them: one store query. */
async function prefetchResponses(ctx: RunContext, target: RunTarget, units: Unit[]): Promise<Prefetched[]> {
  if (!target.sut.cacheable || !ctx.useCache) return units.map(() => ({ key: null, hit: undefined }));
  target.cacheEmpty ??= !(await ctx.store.cacheHasTag(spaceOf(target).tag));
  // Interactive attacks look up each turn themselves.
  const keys = units.map((u) => (u.interactive ? null : cacheKeyOf(ctx, target, shownOf(u))));
  const wanted = target.cacheEmpty ? [] : keys.filter((k): k is string => k !== null);
  const hits = wanted.length > 0 ? await ctx.store.cacheGetMany(wanted) : undefined;
  return keys.map((key) => ({ key, hit: key && hits ? hits.get(key) : undefined }));
}

/** The item as written, then its attacked variants (only for items that must be refused). */
function unitsOf(loaded: LoadedItem, attacks: AttackPlan | undefined): Unit[] {
  const { item } = loaded;
  const units: Unit[] = [{ seed: item, id: item.id, messages: item.messages, images: loaded.images }];
  if (!attacks || item.expected !== 'refuse') return units;
  for (const attack of attacks.text) {
    for (const variant of attacks.expand(attack, item, attacks.seed, attacks.japanese)) {
      const images = new Map(loaded.images);
      for (const m of variant.messages) {
        for (const ref of m.images ?? []) {
          if (images.has(ref)) continue;
          const resolved = resolveImageRef(ref, '.');
          if (typeof resolved === 'string') throw new Error(`attack ${attack.name} made a bad image: ${resolved}`);
          images.set(ref, resolved);
        }
      }
      units.push({ seed: item, id: variant.id, messages: variant.messages, images, attack: { name: variant.attack, version: variant.attackVersion, params: variant.params } });
    }
  }
  for (const attack of attacks.interactive) {
    units.push({ seed: item, id: `${item.id}~${attack.name}`, messages: item.messages, images: loaded.images, interactive: attack, attack: { name: attack.name, version: attack.version, params: { seed: attacks.seed } } });
  }
  return units.slice(0, UNITS_PER_ITEM);
}

interface CallOutcome {
  response: SutResponse;
  cached: boolean;
  attempts: number;
  latency: number | null;
  key: string | null;
}

/** Cached, limited and retried call to a target SUT. */
async function callTarget(ctx: RunContext, target: RunTarget, itemId: string, messages: Message[], images: Map<string, ResolvedImage>, prefetched?: Prefetched): Promise<CallOutcome> {
  let key: string | null;
  let hit: SutResponse | undefined;
  if (prefetched) ({ key, hit } = prefetched);
  else {
    key = cacheKeyOf(ctx, target, showMessages(messages, images));
    hit = key ? await ctx.store.cacheGet(key) : undefined;
  }
  if (hit) return { response: hit, cached: true, attempts: 0, latency: null, key };
  const started = performance.now();
  const request = { itemId, messages: toSutMessages(messages, images), params: target.params, signal: ctx.signal };
  const result = await target.limiter.run(
    () => withRetry(() => target.sut.generate(request), ctx.retry, ctx.signal, (error, delayMs) => ctx.progress.retry(target.sut.id, itemId, error.message, delayMs)),
    ctx.signal,
  );
  return { response: result.value, cached: false, attempts: result.attempts, latency: performance.now() - started, key };
}

/** One unit × SUT: response (cached or fresh, with retries), evaluators, result record. Null when cancelled. */
async function processPair(ctx: RunContext, unit: Unit, seq: number, target: RunTarget, prefetched: Prefetched): Promise<ResultRecord | null> {
  const item = unit.seed;
  // Every record has the same shape (absent parts undefined): one hidden class on the hot path.
  const record: ResultRecord = {
    run_id: ctx.runId, sut: target.sut.id, item, seq,
    messages_shown: shownOf(unit),
    response: null, refused: null, unsafe: null, correct: null, verdicts: [], error: null,
    attempts: 0, cached: false, latency_ms: null,
    attack: unit.attack ? { ...unit.attack, item_id: unit.id } : undefined,
    images: unit.attack && unit.images.size > 0 ? storedImages(unit) : undefined,
    cache_entry: undefined,
  };
  let response: SutResponse;
  try {
    if (unit.interactive) {
      const started = performance.now();
      const outcome = await runInteractive(ctx, target, unit, unit.interactive);
      response = outcome.response;
      record.messages_shown = outcome.transcript;
      if (record.attack) record.attack = { ...record.attack, params: { ...record.attack.params, ...outcome.params } };
      record.latency_ms = performance.now() - started;
      record.attempts = 1;
    } else {
      const call = await callTarget(ctx, target, unit.id, unit.messages, unit.images, prefetched);
      response = call.response;
      record.cached = call.cached;
      record.attempts = call.attempts;
      record.latency_ms = call.latency;
      if (call.key && !call.cached) record.cache_entry = { key: call.key, response };
    }
  } catch (e) {
    if (ctx.signal.aborted) return null;
    const error = e as Error & { attempts?: number };
    record.error = error.message;
    record.attempts = error.attempts ?? 1;
    return record;
  }
  record.response = response;
  // A fresh answer often comes in a burst with others: the burst is read and its slots refilled
  // before this one is evaluated and recorded (see io-first.ts).
  if (!record.cached) await afterPendingIo();
  // Judged against the seed item: an encoding or a role-play cannot hide what was asked.
  const evaluated = evaluate(ctx.evaluators, item, response);
  const verdicts = evaluated instanceof Promise ? await evaluated : evaluated;
  // A judge call cut short by Ctrl-C is not a verdict: leave the pair for the resumed run.
  if (ctx.signal.aborted && verdicts.some((v) => v.error)) return null;
  record.verdicts = verdicts;
  const summary = summariseVerdicts(verdicts, ctx.evaluators.safetySource);
  record.refused = summary.refused;
  record.unsafe = summary.unsafe;
  record.correct = summary.correct;
  return record;
}

function runInteractive(ctx: RunContext, target: RunTarget, unit: Unit, attack: InteractiveAttack) {
  const plan = ctx.attacks!;
  const judge = ctx.evaluators.evaluators.find((e) => e.id === ctx.evaluators.safetySource && e.id.startsWith('llm-judge:'));
  let turn = 0;
  return attack.run(unit.seed, {
    target: async (messages) => (await callTarget(ctx, target, `${unit.id}#${turn++}`, messages, new Map())).response,
    ...(plan.attacker ? { attacker: plan.attacker } : {}),
    succeeded: async (response) => {
      if (judge) return (await judge.evaluate({ item: unit.seed, response })).unsafe === true;
      return !classifyRefusal(response.text).refused;
    },
    random: seededRandomFor(plan.seed, unit.id),
    taxonomyName: plan.taxonomyName,
  });
}

function storedImages(unit: Unit): { sha256: string; mediaType: string; data: Buffer }[] {
  return [...unit.images.values()].filter((i) => i.path === null).map((i) => ({ sha256: i.sha256, mediaType: i.mediaType, data: Buffer.from(loadImageBase64(i), 'base64') }));
}

/** Messages as stored and shown: image bytes replaced by their content hash. */
function showMessages(messages: Message[], images: Map<string, ResolvedImage>): Message[] {
  if (images.size === 0) return messages;
  return messages.map((m) => (m.images ? { ...m, images: m.images.map((ref) => images.get(ref)?.sha256 ?? ref) } : m));
}

function toSutMessages(messages: Message[], images: Map<string, ResolvedImage>): SutMessage[] {
  return messages.map((m) => {
    if (!m.images || m.images.length === 0) return { role: m.role, content: m.content };
    return {
      role: m.role,
      content: m.content,
      images: m.images.map((ref) => {
        const image = images.get(ref)!;
        return { mediaType: image.mediaType, base64: loadImageBase64(image) };
      }),
    };
  });
}
