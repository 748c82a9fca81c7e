/** `anthropic/<model>`: the Anthropic Messages API. */
import { HttpClient, errorForStatus, parseJsonBody, withSecretRedacted } from './http.js';
import { splitReasoning } from './reasoning.js';
import { RetryableError, type GenerationParams, type Sut, type SutMessage, type SutRequest, type SutResponse } from './sut.js';
import type { ApiSutOptions } from './openai.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';

interface MessagesResponse {
  content?: ({ type: 'text'; text: string } | { type: 'thinking'; thinking: string } | { type: string })[];
  stop_reason?: string | null;
  usage?: { input_tokens?: number; output_tokens?: number };
}

export function createAnthropicSut(options: ApiSutOptions): Sut {
  const http = new HttpClient(options.baseUrl, options.concurrency, options.timeoutMs);
  const env = options.env ?? process.env;
  return {
    id: options.id,
    identity: { provider: 'anthropic', model: options.model, base_url: options.baseUrl, params: options.params },
    defaultConcurrency: 8,
    cacheable: true,
    async generate(request: SutRequest): Promise<SutResponse> {
      const params = { ...options.params, ...request.params };
      const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
      const key = env[options.apiKeyEnv];
      if (key) headers['x-api-key'] = key;
      return withSecretRedacted(key, async () => {
        const res = await http.postJson('/v1/messages', headers, anthropicBody(options.model, request.messages, params), request.signal);
        if (res.status !== 200) throw errorForStatus(res, 'anthropic');
        return parseMessagesResponse(parseJsonBody<MessagesResponse>(res.body, 'anthropic'));
      });
    },
    warmUp: () => http.preconnect(),
    close: () => http.close(),
  };
}

export function anthropicBody(model: string, messages: SutMessage[], params: GenerationParams): Record<string, unknown> {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const answerBudget = params.max_tokens ?? 1024;
  const body: Record<string, unknown> = {
    model,
    max_tokens: answerBudget + (params.reasoning_budget ?? 0),
    messages: messages.filter((m) => m.role !== 'system').map(anthropicMessage),
  };
  if (system) body.system = system;
  if (params.reasoning_budget) body.thinking = { type: 'enabled', budget_tokens: params.reasoning_budget };
  // Extended thinking requires the default temperature; otherwise pass it through.
  else if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.top_p !== undefined && !params.reasoning_budget) body.top_p = params.top_p;
  return body;
}

function anthropicMessage(m: SutMessage): Record<string, unknown> {
  if (!m.images || m.images.length === 0) return { role: m.role, content: m.content };
  return {
    role: m.role,
    content: [
      ...m.images.map((img) => ({ type: 'image', source: { type: 'base64', media_type: img.mediaType, data: img.base64 } })),
      { type: 'text', text: m.content },
    ],
  };
}

export function parseMessagesResponse(json: MessagesResponse): SutResponse {
  if (!Array.isArray(json.content)) throw new RetryableError('anthropic response has no content array');
  let text = '';
  const thinking: string[] = [];
  for (const block of json.content) {
    if (block.type === 'text' && 'text' in block) text += block.text;
    else if (block.type === 'thinking' && 'thinking' in block) thinking.push(block.thinking);
  }
  const split = splitReasoning(text, thinking.join('\n\n') || undefined);
  const truncated = json.stop_reason === 'max_tokens';
  if (split.answer === '' && !truncated) throw new RetryableError('anthropic response has empty content');
  return {
    text: split.answer,
    ...(split.reasoning !== undefined ? { reasoning: split.reasoning } : {}),
    truncated,
    ...(truncated && split.answer === '' ? { truncatedInReasoning: true } : {}),
    ...(json.stop_reason ? { finishReason: json.stop_reason } : {}),
    ...(json.usage
      ? { usage: { promptTokens: json.usage.input_tokens ?? 0, completionTokens: json.usage.output_tokens ?? 0 } }
      : {}),
  };
}
