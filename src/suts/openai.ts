/** `openai/<model>`: any OpenAI-compatible chat completions endpoint (vLLM, Ollama, llama.cpp server, OpenAI, …). */
import { HttpClient, errorForStatus, parseJsonBody, withSecretRedacted } from './http.js';
import { splitReasoning } from './reasoning.js';
import { RetryableError, type GenerationParams, type Sut, type SutMessage, type SutRequest, type SutResponse } from './sut.js';

export interface ApiSutOptions {
  id: string;
  model: string;
  baseUrl: string;
  /** Name of the environment variable that holds the key; the key itself is read at call time and never stored. */
  apiKeyEnv: string;
  params: GenerationParams;
  timeoutMs: number;
  concurrency: number;
  env?: NodeJS.ProcessEnv;
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

interface ChatCompletion {
  choices?: {
    message?: { content?: string | { type: string; text?: string }[] | null; reasoning_content?: string | null; reasoning?: string | null };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; completion_tokens_details?: { reasoning_tokens?: number } };
}

export function createOpenAiSut(options: ApiSutOptions): Sut {
  const http = new HttpClient(options.baseUrl, options.concurrency, options.timeoutMs);
  const env = options.env ?? process.env;
  return {
    id: options.id,
    identity: { provider: 'openai', model: options.model, base_url: options.baseUrl, params: options.params },
    defaultConcurrency: 16,
    cacheable: true,
    async generate(request: SutRequest): Promise<SutResponse> {
      const params = { ...options.params, ...request.params };
      const key = env[options.apiKeyEnv];
      const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
      return withSecretRedacted(key, async () => {
        const res = await http.postJson('/chat/completions', headers, openAiBody(options.model, request.messages, params), request.signal);
        if (res.status !== 200) throw errorForStatus(res, 'openai');
        return parseChatCompletion(parseJsonBody<ChatCompletion>(res.body, 'openai'));
      });
    },
    warmUp: () => http.preconnect(),
    close: () => http.close(),
  };
}

export function openAiBody(model: string, messages: SutMessage[], params: GenerationParams): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: messages.map(openAiMessage) };
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.top_p !== undefined) body.top_p = params.top_p;
  if (params.seed !== undefined) body.seed = params.seed;
  // max_tokens is the answer's budget; a reasoning budget is granted on top so thinking cannot starve the answer.
  if (params.max_tokens !== undefined || params.reasoning_budget !== undefined) {
    body.max_tokens = (params.max_tokens ?? 1024) + (params.reasoning_budget ?? 0);
  }
  return body;
}

function openAiMessage(m: SutMessage): Record<string, unknown> {
  if (!m.images || m.images.length === 0) return { role: m.role, content: m.content };
  return {
    role: m.role,
    content: [
      { type: 'text', text: m.content },
      ...m.images.map((img) => ({ type: 'image_url', image_url: { url: `data:${img.mediaType};base64,${img.base64}` } })),
    ],
  };
}

export function parseChatCompletion(json: ChatCompletion): SutResponse {
  const choice = json.choices?.[0];
  if (!choice || !choice.message) throw new RetryableError('openai response has no choices[0].message');
  const raw = choice.message.content;
  const content = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.map((p) => p.text ?? '').join('') : '';
  const split = splitReasoning(content, choice.message.reasoning_content ?? choice.message.reasoning);
  const truncated = choice.finish_reason === 'length';
  if (split.answer === '' && !truncated) throw new RetryableError('openai response has empty content');
  return {
    text: split.answer,
    ...(split.reasoning !== undefined ? { reasoning: split.reasoning } : {}),
    truncated,
    ...(truncated && split.answer === '' ? { truncatedInReasoning: true } : {}),
    ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}),
    ...(json.usage
      ? {
          usage: {
            ...(json.usage.prompt_tokens !== undefined ? { promptTokens: json.usage.prompt_tokens } : {}),
            ...(json.usage.completion_tokens !== undefined ? { completionTokens: json.usage.completion_tokens } : {}),
            ...(json.usage.completion_tokens_details?.reasoning_tokens !== undefined
              ? { reasoningTokens: json.usage.completion_tokens_details.reasoning_tokens }
              : {}),
          },
        }
      : {}),
  };
}
