import type { CurrentOrganizationObject, DeploymentObject } from '@gguf/api';

export interface Snippet {
  id: string;
  label: string;
  code: string;
}

/** A base URL in both forms: the root (Anthropic SDK, Claude Code) and root + /v1 (OpenAI SDK). */
type BaseUrls = Pick<DeploymentObject | CurrentOrganizationObject, 'base_url' | 'openai_base_url'>;

const KEY = 'YOUR_API_KEY';

/**
 * A deployment's own base URL serves one model, whatever `model` says; the reference docs' `local`
 * stands for any name.
 */
export function deploymentSnippets(deployment: BaseUrls): Snippet[] {
  return clientSnippets(deployment, 'local', claudeCode(deployment.base_url, 'local'));
}

/**
 * The organization endpoint (/api/llm), where `model` picks the deployment. Claude Code also makes
 * background calls under its own model ids (claude-haiku-…), which need a `claude-*` alias on a
 * deployment or, as here, its ANTHROPIC_DEFAULT_*_MODEL variables pointing at the chosen model.
 */
export function organizationSnippets(organization: BaseUrls, model: string): Snippet[] {
  const root = organization.base_url;
  const claude = `${claudeCode(root, model)}

# Claude Code's own background calls ask for claude-haiku-… and the like: give a deployment a
# "claude-*" alias, or send every call to ${model}:
ANTHROPIC_BASE_URL="${root}" \\
ANTHROPIC_AUTH_TOKEN="${KEY}" \\
ANTHROPIC_DEFAULT_HAIKU_MODEL="${model}" \\
ANTHROPIC_DEFAULT_SONNET_MODEL="${model}" \\
ANTHROPIC_DEFAULT_OPUS_MODEL="${model}" \\
claude --model "${model}"`;
  return clientSnippets(organization, model, claude);
}

function claudeCode(root: string, model: string): string {
  return `ANTHROPIC_BASE_URL="${root}" \\
ANTHROPIC_AUTH_TOKEN="${KEY}" \\
claude --model "${model}"`;
}

/** Ready-to-paste client code with real URLs, in the forms the reference docs use. */
function clientSnippets({ base_url: root, openai_base_url: v1 }: BaseUrls, model: string, claudeCodeSnippet: string): Snippet[] {
  return [
    {
      id: 'curl',
      label: 'curl',
      code: `curl -X POST "${v1}/chat/completions" \\
  -H "Authorization: Bearer $GGUF_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "model": "${model}",
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
    model="${model}",
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
  model: "${model}",
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
    model="${model}",
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
  model: "${model}",
  max_tokens: 1024,
  messages: [{ role: "user", content: "What is the capital of France?" }],
});
console.log(message.content[0].text);`,
    },
    { id: 'claude-code', label: 'Claude Code', code: claudeCodeSnippet },
  ];
}
