/**
 * Generic CSV, JSONL, JSON and Parquet files with a column mapping:
 * `--map prompt=question,category=cat,id=qid,expected=label,persona=p,locale=lang,rubric=r,answer=a,system=sys,tags=t,messages=conv`.
 * An unmapped field is read from the column of the same name when there is one. Category values
 * that are not category codes go through --category-map / --default-category; expected values
 * that are not behaviours go through --expected-map (e.g. `safe=comply,unsafe=refuse`).
 */
import { CategoryResolver } from '../category-map.js';
import { EXPECTED_BEHAVIOURS, MessageSchema, PERSONAS, type Expected, type Message, type Persona } from '../../items/schema.js';
import { expectedFor, itemId, personaFor, type FormatContext, type ImportFormat } from '../importer.js';
import { isRecord, type FileKind, type SourceRecord } from '../read.js';

export const GENERIC_FIELDS = ['id', 'prompt', 'messages', 'system', 'category', 'expected', 'persona', 'locale', 'rubric', 'answer', 'tags'] as const;
export type GenericField = (typeof GENERIC_FIELDS)[number];

function column(ctx: FormatContext, record: SourceRecord, field: GenericField): unknown {
  const name = ctx.options.columnMap[field] ?? field;
  if (name in record) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function str(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value.trim() : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function parseMessages(value: unknown): Message[] | string {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return 'messages is not a JSON array';
    }
  }
  if (!Array.isArray(v)) return 'messages is not an array of {role, content}';
  const out: Message[] = [];
  for (const m of v) {
    const parsed = MessageSchema.safeParse(isRecord(m) ? { role: m.role, content: m.content } : m);
    if (!parsed.success) return 'messages must be {role: system|user|assistant, content}';
    out.push(parsed.data);
  }
  return out;
}

function parseTags(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((t) => String(t));
  const s = str(value);
  if (s === '') return [];
  if (s.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (Array.isArray(parsed)) return parsed.map((t) => String(t));
    } catch {
      // a plain comma-separated list
    }
  }
  return s.split(',').map((t) => t.trim()).filter(Boolean);
}

function genericFormat(id: string, kind: FileKind, description: string): ImportFormat {
  return {
    id,
    description,
    fileKinds: kind === 'jsonl' ? ['jsonl', 'json'] : [kind],
    defaultVisibility: 'public',
    sourceName: `${id.toUpperCase()} file`,
    licenseHint: 'state the licence of your data with --license',
    requiredFields: [],
    checkFirst(record, options) {
      const has = (field: GenericField) => {
        const name = (options.columnMap[field] ?? field).toLowerCase();
        return Object.keys(record).some((k) => k.toLowerCase() === name);
      };
      if (!has('prompt') && !has('messages')) return `no prompt column "${options.columnMap.prompt ?? 'prompt'}" (name it with --map prompt=<column>, or messages=<column>)`;
      if (!has('category') && !options.defaultCategory) return `no category column "${options.columnMap.category ?? 'category'}" (name it with --map category=<column>, or give --default-category)`;
      return null;
    },
    createResolver: (taxonomy, options) =>
      new CategoryResolver({ taxonomy, field: options.columnMap.category ?? 'category', userMap: options.categoryMap, ...(options.defaultCategory ? { defaultCategory: options.defaultCategory } : {}) }),
    convert(record, ctx, index) {
      const prompt = str(column(ctx, record, 'prompt'));
      const rawMessages = column(ctx, record, 'messages');
      let messages: Message[] | undefined;
      if (rawMessages !== undefined && rawMessages !== null && str(rawMessages) !== '') {
        const parsed = parseMessages(rawMessages);
        if (typeof parsed === 'string') return { invalid: parsed };
        messages = parsed;
      }
      if (prompt === '' && !messages) return { skip: 'no prompt' };
      const category = ctx.categories.resolve(str(column(ctx, record, 'category')));
      if (!category) return { unmapped: true };
      const rawExpected = str(column(ctx, record, 'expected'));
      let expected: Expected | undefined;
      if (rawExpected !== '' && !ctx.options.expected) {
        const mapped = ctx.options.expectedMap[rawExpected] ?? rawExpected;
        if (!(EXPECTED_BEHAVIOURS as readonly string[]).includes(mapped)) return { invalid: `expected value "${rawExpected}" is not ${EXPECTED_BEHAVIOURS.join(' | ')} (map it with --expected-map ${rawExpected}=<behaviour>)` };
        expected = mapped as Expected;
      }
      const rawPersona = str(column(ctx, record, 'persona')).toLowerCase();
      if (rawPersona !== '' && !(PERSONAS as readonly string[]).includes(rawPersona)) return { invalid: `persona "${rawPersona}" is not ${PERSONAS.join(' | ')}` };
      const system = str(column(ctx, record, 'system'));
      const conversation: Message[] = [...(system ? [{ role: 'system' as const, content: system }] : []), ...(messages ?? []), ...(prompt ? [{ role: 'user' as const, content: prompt }] : [])];
      const answer = str(column(ctx, record, 'answer'));
      const rubric = str(column(ctx, record, 'rubric'));
      const locale = str(column(ctx, record, 'locale'));
      const tags = parseTags(column(ctx, record, 'tags'));
      const single = conversation.length === 1 && conversation[0]!.role === 'user';
      return {
        item: {
          id: itemId(ctx.options.idPrefix ?? '', str(column(ctx, record, 'id')) || `${id}-${String(index + 1).padStart(6, '0')}`),
          category,
          expected: expectedFor(ctx, category, expected ?? (answer ? 'answer' : undefined)),
          persona: (rawPersona as Persona) || personaFor(ctx.taxonomy, category),
          ...(ctx.options.locale || locale ? { locale: ctx.options.locale ?? locale } : {}),
          ...(single ? { prompt: conversation[0]!.content } : { messages: conversation }),
          ...(answer ? { ground_truth: { exact: answer } } : {}),
          ...(rubric ? { rubric } : {}),
          ...(tags.length > 0 ? { tags } : {}),
        },
      };
    },
  };
}

export const csvFormat = genericFormat('csv', 'csv', 'any CSV with a column mapping (--map prompt=<column>,category=<column>,…)');
export const jsonlFormat = genericFormat('jsonl', 'jsonl', 'any JSONL (or JSON array) with a column mapping (--map …)');
export const parquetFormat = genericFormat('parquet', 'parquet', 'any Parquet file with a column mapping (--map …)');
