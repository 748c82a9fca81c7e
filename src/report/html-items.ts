/**
 * The drill-down half of the HTML report: one collapsed <details> per result row.
 * Every string from the row is escaped; nothing from the row ever reaches a <script>,
 * a URL or an unquoted attribute.
 */
import type { ResultRow } from '../scoring/types.js';
import type { Verdict } from '../evaluators/evaluator.js';
import { clip, escapeHtml as e, sha256Hex } from './escape.js';

export interface ItemRenderOptions {
  redact: boolean;
  /** Longest text (response, message, reasoning, rationale, error) shown in full. */
  maxTextChars: number;
  /** Stored images by hash (data: URLs), for items whose images the store holds. */
  images?: Map<string, string>;
}

/** Only well-formed image data URLs from our own store are ever put in an src attribute. */
const SAFE_IMAGE_URL = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*$/;

const EXPECTED: Record<string, [string, string]> = {
  refuse: ['拒否すべき', 'must refuse'],
  comply: ['応じるべき（無害）', 'should comply (benign)'],
  answer: ['正解あり', 'has a ground truth'],
  'safe-complete': ['配慮して回答', 'answer with care'],
};
const PERSONA: Record<string, [string, string]> = {
  typical: ['一般', 'typical'],
  malicious: ['悪意あり', 'malicious'],
  vulnerable: ['脆弱な立場', 'vulnerable'],
};
const ROLE: Record<string, string> = { system: 'システム', user: 'ユーザー', assistant: 'アシスタント' };

const pair = (map: Record<string, [string, string]>, key: string): string => {
  const v = map[key];
  return v ? `${e(v[0])} / ${e(v[1])} <code>${e(key)}</code>` : `<code>${e(key)}</code>`;
};

const badge = (cls: string, ja: string, en: string): string => `<span class="b ${cls}">${ja} / ${en}</span>`;

/** Escaped text in a <pre>, clipped to `max` characters with a visible note. */
function textBlock(text: string, max: number, cls = 't'): string {
  const c = clip(text, max);
  const note = c.cut > 0 ? `<div class="clip">…以下 ${c.cut} 文字省略 / ${c.cut} more characters not shown</div>` : '';
  return `<pre class="${cls}">${e(c.text)}</pre>${note}`;
}

/** What redact mode shows instead of a text: its length and SHA-256. */
function hashLine(ja: string, en: string, text: string | null): string {
  if (text === null) return `<div class="hash">${ja} / ${en}: <span class="na">なし / none</span></div>`;
  return `<div class="hash">${ja} / ${en}: sha256 <code>${sha256Hex(text)}</code> (${text.length} 文字 / chars)</div>`;
}

export function hasError(row: ResultRow): boolean {
  return row.error !== null || row.verdicts.some((v) => v.error !== undefined && v.error !== null);
}

/**
 * A result a reader must be able to open even in a trimmed report: unsafe, an error, a wrong
 * answer, or a refusal opposite to what the item expects (an over-refusal of a benign item,
 * a must-refuse request answered).
 */
export function isNotable(row: ResultRow): boolean {
  return (
    row.unsafe === true ||
    row.correct === false ||
    hasError(row) ||
    (row.expected === 'comply' && row.refused === true) ||
    (row.expected === 'refuse' && row.refused === false)
  );
}

/** First user message, on one line and short, for scanning the list (not in redact mode). */
function preview(row: ResultRow): string {
  const m = row.messages?.find((x) => x.role === 'user') ?? row.messages?.[0];
  if (!m || typeof m.content !== 'string') return '';
  const oneLine = m.content.slice(0, 200).replace(/\s+/g, ' ').trim();
  const c = clip(oneLine, 60);
  return oneLine ? `<span class="pv">${e(c.text)}${c.cut > 0 || m.content.length > 200 ? '…' : ''}</span>` : '';
}

function summaryLine(row: ResultRow, redact: boolean): string {
  let s = `<code class="id">${e(row.item_id)}</code>`;
  const exp = EXPECTED[row.expected];
  s += `<span class="b b-exp">期待 / expect: ${e(exp ? exp[0] : row.expected)}</span>`;
  if (row.error !== null) s += badge('b-err', 'エラー', 'error');
  if (row.unsafe === true) s += badge('b-unsafe', '不安全', 'unsafe');
  else if (row.unsafe === false) s += badge('b-safe', '安全', 'safe');
  if (row.refused === true) s += badge('b-ref', '拒否', 'refused');
  else if (row.refused === false) s += badge('b-comp', '応答', 'complied');
  if (row.correct === true) s += badge('b-ok', '正解', 'correct');
  else if (row.correct === false) s += badge('b-ng', '不正解', 'incorrect');
  if (row.truncated) s += badge('b-trunc', '切り捨て', 'truncated');
  if (row.error === null && hasError(row)) s += badge('b-err', '評価器エラー', 'evaluator error');
  if (row.cached) s += badge('b-cache', 'キャッシュ', 'cached');
  if (!redact) s += preview(row);
  return s;
}

function verdictTable(verdicts: Verdict[], opts: ItemRenderOptions): string {
  if (verdicts.length === 0) return '<p class="na">判定なし / no verdicts</p>';
  const rows = verdicts
    .map((v) => {
      const flags: string[] = [];
      if (v.refused !== undefined) flags.push(`refused=${v.refused}`);
      if (v.unsafe !== undefined) flags.push(`unsafe=${v.unsafe}`);
      if (v.correct !== undefined) flags.push(`correct=${v.correct}`);
      const rationale =
        v.rationale === undefined
          ? '<span class="na">—</span>'
          : opts.redact
            ? `<span class="hash">sha256 <code>${sha256Hex(v.rationale)}</code></span>`
            : e(clip(v.rationale, opts.maxTextChars).text);
      const err =
        v.error === undefined || v.error === null
          ? ''
          : opts.redact
            ? `<span class="b b-err">エラー / error</span> <span class="hash">sha256 <code>${sha256Hex(v.error)}</code></span>`
            : `<span class="b b-err">エラー / error</span> ${e(clip(v.error, opts.maxTextChars).text)}`;
      return (
        `<tr><td><code>${e(v.evaluator)}@${e(v.version)}</code></td><td>${e(v.kind)}</td>` +
        `<td><code>${e(v.label)}</code>${flags.length ? `<div class="na">${e(flags.join(' '))}</div>` : ''}</td>` +
        `<td>${v.score === null || v.score === undefined ? '<span class="na">—</span>' : e(String(v.score))}</td>` +
        `<td class="r">${rationale}</td><td class="r">${err}</td></tr>`
      );
    })
    .join('');
  return (
    `<table class="verdicts"><thead><tr><th>評価器 / Evaluator</th><th>種別 / Kind</th><th>ラベル / Label</th>` +
    `<th>スコア / Score</th><th>根拠 / Rationale</th><th>エラー / Error</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

function messagesBlock(row: ResultRow, opts: ItemRenderOptions): string {
  if (!row.messages) return '<p class="na">プロンプトは記録されていません / prompt not recorded</p>';
  return row.messages
    .map((m) => {
      const role = String(m.role);
      const roleClass = role === 'system' || role === 'user' || role === 'assistant' ? role : 'other';
      const imgs =
        m.images && m.images.length
          ? `<div class="imgs">画像 / images: ${m.images
              .map((h) => {
                const url = opts.images?.get(String(h));
                const img = url && SAFE_IMAGE_URL.test(url) ? `<img class="shot" src="${e(url)}" alt="${e(String(h))}">` : '';
                return `${img}<code>${e(clip(String(h), 200).text)}</code>`;
              })
              .join(', ')}</div>`
          : '';
      return (
        `<div class="msg role-${roleClass}"><div class="role">${e(ROLE[role] ?? role)} / ${e(role)}</div>` +
        textBlock(String(m.content ?? ''), opts.maxTextChars) +
        imgs +
        `</div>`
      );
    })
    .join('');
}

/** One result row as a collapsed <details>. */
export function renderItem(row: ResultRow, opts: ItemRenderOptions): string {
  const err = hasError(row);
  const attrs =
    `class="item" data-sut="${e(row.sut)}" data-cat="${e(row.category)}"` +
    ` data-unsafe="${row.unsafe === true ? 1 : 0}" data-error="${err ? 1 : 0}"`;
  const meta: [string, string][] = [
    ['項目ID / Item id', `<code>${e(row.item_id)}</code>`],
    ['カテゴリ / Category', `<code>${e(row.category)}</code>`],
    ['期待動作 / Expected', pair(EXPECTED, row.expected)],
    ['ペルソナ / Persona', pair(PERSONA, row.persona)],
    ['SUT', `<code>${e(row.sut)}</code>`],
    ...(row.attack ? ([['攻撃 / Attack', `<code>${e(row.attack)}</code> ← <code>${e(row.seed_item_id ?? '')}</code>`]] as [string, string][]) : []),
    ['応答時間 / Latency', row.latency_ms === null ? '<span class="na">—</span>' : `${Math.round(row.latency_ms)} ms`],
    ['切り捨て / Truncated', row.truncated ? 'はい / yes' : 'いいえ / no'],
  ];
  let body = `<div class="kv">${meta.map(([k, v]) => `<div><span class="k">${k}</span>${v}</div>`).join('')}</div>`;
  if (opts.redact) {
    body +=
      `<h4>ハッシュ<span class="en">Hashes (texts not shown)</span></h4>` +
      hashLine('プロンプト', 'prompt (JSON of messages)', row.messages ? JSON.stringify(row.messages) : null) +
      hashLine('応答', 'response', row.response) +
      hashLine('推論', 'reasoning', row.reasoning) +
      hashLine('エラー', 'error', row.error);
  } else {
    body += `<h4>プロンプト<span class="en">Prompt</span></h4>${messagesBlock(row, opts)}`;
    body +=
      `<h4>応答<span class="en">Response</span></h4><div class="resp">` +
      (row.response === null ? '<p class="na">応答なし / no response</p>' : textBlock(row.response, opts.maxTextChars)) +
      `</div>`;
    if (row.reasoning !== null && row.reasoning !== undefined) {
      body +=
        `<details class="sub"><summary>推論（${row.reasoning.length} 文字）/ Reasoning (${row.reasoning.length} chars)</summary>` +
        textBlock(row.reasoning, opts.maxTextChars) +
        `</details>`;
    }
    if (row.error !== null) body += `<h4>エラー<span class="en">Error</span></h4>${textBlock(row.error, opts.maxTextChars, 't err')}`;
  }
  body += `<h4>判定<span class="en">Verdicts</span></h4>${verdictTable(row.verdicts, opts)}`;
  return `<details ${attrs}><summary>${summaryLine(row, opts.redact)}</summary><div class="body">${body}</div></details>\n`;
}
