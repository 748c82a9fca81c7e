/**
 * Reasoning models (Qwen3, DeepSeek-R1 distills, …) put their thinking in a
 * `reasoning_content` field or in <think>…</think> blocks. We keep it, but evaluators
 * judge only the answer, so an unsafe thought that ends in a refusal is not an unsafe answer.
 */
export interface SplitReasoning {
  answer: string;
  reasoning: string | undefined;
  /** The text ended inside an unclosed <think>: the model never reached its answer. */
  unclosed: boolean;
}

const THINK_BLOCK = /<think>([\s\S]*?)<\/think>/g;

export function splitReasoning(text: string, reasoningField?: string | null): SplitReasoning {
  // Most answers have no thinking at all: skip the scans.
  if (!text.includes('think>')) return { answer: text.trim(), reasoning: reasoningField ? reasoningField : undefined, unclosed: false };
  const parts: string[] = [];
  if (reasoningField) parts.push(reasoningField);
  let answer = text.replace(THINK_BLOCK, (_, inner: string) => {
    parts.push(inner.trim());
    return '';
  });
  let unclosed = false;
  const open = answer.indexOf('<think>');
  if (open !== -1) {
    parts.push(answer.slice(open + '<think>'.length).trim());
    answer = answer.slice(0, open);
    unclosed = true;
  } else if (parts.length === 0 && answer.includes('</think>')) {
    // Some chat templates open <think> in the prompt, so the output starts mid-thought.
    const close = answer.indexOf('</think>');
    parts.push(answer.slice(0, close).trim());
    answer = answer.slice(close + '</think>'.length);
  }
  const reasoning = parts.filter((p) => p.length > 0).join('\n\n');
  return { answer: answer.trim(), reasoning: reasoning.length > 0 ? reasoning : undefined, unclosed };
}
