import type { DeploymentObject } from '@gguf/api';

export interface Snippet {
  id: string;
  label: string;
  code: string;
}

const KEY = 'YOUR_API_KEY';

/**
 * Ready-to-paste client code with the deployment's real URLs, in the forms the reference docs use:
 * the OpenAI SDK takes `…/v1`, the Anthropic SDK and Claude Code take the root.
 */
export function deploymentSnippets(deployment: Pick<DeploymentObject, 'base_url' | 'openai_base_url'>): Snippet[] {
  const { base_url: root, openai_base_url: v1 } = deployment;
  return [
    {
      id: 'curl',
      label: 'curl',
      code: `curl -X POST "${v1}/chat/completions" \\
  -H "Authorization: Bearer $GGUF_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "model": "local",
    "messages": [
      {"role": "system", "content": "You are a helpful assistant."},
      {"role": "user", "content": "What is the capital of France?"}
    ],
    "max_tokens": 256,
    "temperature": 0.7
  }'`,
    },
    {
      id: 'openai-python',
      label: 'OpenAI Python',
      code: `from openai import OpenAI

client = OpenAI(
    api_key="${KEY}",
    base_url="${v1}",
)

response = client.chat.completions.create(
    model="local",
    messages=[{"role": "user", "content": "What is the capital of France?"}],
)
print(response.choices[0].message.content)`,
    },
    {
      id: 'openai-node',
      label: 'OpenAI Node',
      code: `import OpenAI from "openai";

const client = new OpenAI({
  apiKey: "${KEY}",
  baseURL: "${v1}",
});

const response = await client.chat.completions.create({
  model: "local",
  messages: [{ role: "user", content: "What is the capital of France?" }],
});
console.log(response.choices[0].message.content);`,
    },
    {
      id: 'anthropic-python',
      label: 'Anthropic Python',
      code: `from anthropic import Anthropic

client = Anthropic(
    api_key="${KEY}",
    base_url="${root}",
)

message = client.messages.create(
    model="local",
    max_tokens=1024,
    messages=[{"role": "user", "content": "What is the capital of France?"}],
)
print(message.content[0].text)`,
    },
    {
      id: 'anthropic-node',
      label: 'Anthropic Node',
      code: `import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({
  apiKey: "${KEY}",
  baseURL: "${root}",
});

const message = await client.messages.create({
  model: "local",
  max_tokens: 1024,
  messages: [{ role: "user", content: "What is the capital of France?" }],
});
console.log(message.content[0].text);`,
    },
    {
      id: 'claude-code',
      label: 'Claude Code',
      code: `ANTHROPIC_BASE_URL="${root}" \\
ANTHROPIC_AUTH_TOKEN="${KEY}" \\
claude --model "local"`,
    },
  ];
}
