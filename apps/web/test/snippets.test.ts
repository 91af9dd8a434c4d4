import { describe, expect, it } from 'vitest';
import { deploymentSnippets, organizationSnippets } from '../lib/dashboard/snippets';

const org = { base_url: 'http://127.0.0.1:8080/api/llm', openai_base_url: 'http://127.0.0.1:8080/api/llm/v1' };

describe('snippets', () => {
  it('fill in the organization endpoint and the chosen model in every client', () => {
    const snippets = organizationSnippets(org, 'qwen-coder');
    expect(snippets.map((s) => s.id)).toEqual(['curl', 'openai-python', 'openai-node', 'anthropic-python', 'anthropic-node', 'claude-code']);
    const code = Object.fromEntries(snippets.map((s) => [s.id, s.code]));
    expect(code.curl).toContain('"http://127.0.0.1:8080/api/llm/v1/chat/completions"');
    expect(code.curl).toContain('"model": "qwen-coder"');
    expect(code['openai-python']).toContain('base_url="http://127.0.0.1:8080/api/llm/v1"');
    expect(code['openai-node']).toContain('model: "qwen-coder"');
    expect(code['anthropic-python']).toContain('base_url="http://127.0.0.1:8080/api/llm"');
    expect(code['anthropic-node']).toContain('baseURL: "http://127.0.0.1:8080/api/llm"');
    expect(code['claude-code']).toMatch(/^ANTHROPIC_BASE_URL="http:\/\/127\.0\.0\.1:8080\/api\/llm" \\\nANTHROPIC_AUTH_TOKEN="YOUR_API_KEY" \\\nclaude --model "qwen-coder"\n/);
    for (const tier of ['HAIKU', 'SONNET', 'OPUS']) expect(code['claude-code']).toContain(`ANTHROPIC_DEFAULT_${tier}_MODEL="qwen-coder"`);
  });

  it('use a deployment’s own base URL with any model name', () => {
    const root = 'http://127.0.0.1:8080/api/gguf/dep_1';
    const code = Object.fromEntries(deploymentSnippets({ base_url: root, openai_base_url: `${root}/v1` }).map((s) => [s.id, s.code]));
    expect(code['openai-python']).toContain(`base_url="${root}/v1"`);
    expect(code['claude-code']).toBe(`ANTHROPIC_BASE_URL="${root}" \\\nANTHROPIC_AUTH_TOKEN="YOUR_API_KEY" \\\nclaude --model "local"`);
  });
});
