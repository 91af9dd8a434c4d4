'use client';

import { type FormEvent, useRef, useState } from 'react';
import { Button } from '../../../../../components/button';
import { Card } from '../../../../../components/card';
import { Field, Input, Textarea } from '../../../../../components/field';
import { ErrorState } from '../../../../../components/states';
import type { PlaygroundNotice } from '../../../../../lib/dashboard/playground-notice';
import type { PlaygroundRequest } from '../../../../../lib/dashboard/playground-request';
import { readSseJson } from '../../../../../lib/dashboard/sse';

type Message = PlaygroundRequest['messages'][number];

interface Stats {
  firstTokenMs: number | null;
  totalMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
}

interface Chunk {
  /** The gateway's terminal event when the stream cannot go on (e.g. the deployment did not wake in time). */
  error?: { message?: string };
  choices?: { delta?: { content?: string | null; reasoning_content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

async function errorMessage(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `The gateway answered ${response.status} ${response.statusText}.`;
}

export function Playground({ deploymentId, notice }: { deploymentId: string; notice: PlaygroundNotice }) {
  const [system, setSystem] = useState('You are a helpful assistant.');
  const [temperature, setTemperature] = useState('0.7');
  const [maxTokens, setMaxTokens] = useState('512');
  const [messages, setMessages] = useState<Message[]>([]);
  const [input, setInput] = useState('');
  const [streaming, setStreaming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  // A reply came through, so the deployment is awake: the page's notice about waking no longer applies.
  const [answered, setAnswered] = useState(false);
  const abort = useRef<AbortController | null>(null);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!input.trim() || streaming) return;
    const history: Message[] = [...messages, { role: 'user', content: input }];
    setMessages([...history, { role: 'assistant', content: '' }]);
    setInput('');
    setError(null);
    setStreaming(true);
    const controller = new AbortController();
    abort.current = controller;
    const started = performance.now();
    const current: Stats = { firstTokenMs: null, totalMs: 0, inputTokens: null, outputTokens: null };
    let reply = '';
    try {
      const body: PlaygroundRequest = {
        messages: system.trim() ? [{ role: 'system', content: system }, ...history] : history,
        temperature: Number(temperature),
        max_tokens: Number(maxTokens),
      };
      const response = await fetch(`/deployments/${deploymentId}/playground/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(await errorMessage(response));
      for await (const chunk of readSseJson(response.body) as AsyncGenerator<Chunk>) {
        if (chunk.error) throw new Error(chunk.error.message ?? 'The gateway ended the stream with an error.');
        const piece = chunk.choices?.[0]?.delta?.content ?? '';
        if (piece) {
          current.firstTokenMs ??= performance.now() - started;
          setAnswered(true);
          reply += piece;
          setMessages([...history, { role: 'assistant', content: reply }]);
        }
        if (chunk.usage) {
          current.inputTokens = chunk.usage.prompt_tokens ?? null;
          current.outputTokens = chunk.usage.completion_tokens ?? null;
        }
      }
    } catch (caught) {
      if (!controller.signal.aborted) setError(caught instanceof Error ? caught.message : String(caught));
      if (!reply) setMessages(history);
    } finally {
      current.totalMs = performance.now() - started;
      setStats(current);
      setStreaming(false);
    }
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
      <Card className="flex min-h-[28rem] flex-col">
        {notice?.kind === 'refused' ? <ErrorState title={notice.title} message={notice.message} /> : null}
        {notice?.kind === 'waking' && !answered ? <WakingNotice title={notice.title} message={notice.message} /> : null}
        <div className="flex-1 space-y-3 overflow-y-auto py-2" aria-live="polite" data-testid="transcript">
          {messages.length === 0 ? <p className="text-sm text-zinc-500">Send a message to start.</p> : null}
          {messages.map((m, i) => (
            <div key={i} className={m.role === 'user' ? 'flex justify-end' : 'flex justify-start'}>
              <p
                data-role={m.role}
                className={`max-w-[85%] rounded-lg px-3 py-2 text-sm whitespace-pre-wrap ${
                  m.role === 'user' ? 'bg-indigo-600 text-white' : 'bg-zinc-100 dark:bg-zinc-800'
                }`}
              >
                {m.content || (streaming ? '…' : '')}
              </p>
            </div>
          ))}
        </div>
        {error ? <ErrorState title="The request failed" message={error} /> : null}
        <form onSubmit={send} className="mt-3 flex gap-2">
          <label htmlFor="prompt" className="sr-only">
            Message
          </label>
          <Input id="prompt" value={input} onChange={(e) => setInput(e.target.value)} placeholder="Ask something…" autoComplete="off" />
          {streaming ? (
            <Button variant="secondary" onClick={() => abort.current?.abort()}>
              Stop
            </Button>
          ) : (
            <Button type="submit" disabled={!input.trim()}>
              Send
            </Button>
          )}
        </form>
      </Card>
      <div className="space-y-6">
        <Card title="Settings">
          <div className="space-y-4">
            <Field id="system" label="System prompt">
              <Textarea id="system" rows={4} value={system} onChange={(e) => setSystem(e.target.value)} />
            </Field>
            <Field id="temperature" label={`Temperature: ${temperature}`}>
              <input id="temperature" type="range" min="0" max="2" step="0.1" value={temperature} onChange={(e) => setTemperature(e.target.value)} className="w-full accent-indigo-600" />
            </Field>
            <Field id="max_tokens" label="Max tokens">
              <Input id="max_tokens" inputMode="numeric" value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} />
            </Field>
            <Button variant="ghost" size="sm" onClick={() => setMessages([])} disabled={streaming}>
              Clear chat
            </Button>
          </div>
        </Card>
        <Card title="Last reply">
          {stats ? (
            <dl className="grid grid-cols-2 gap-y-1 text-sm" data-testid="stats">
              <dt className="text-zinc-500">Input tokens</dt>
              <dd>{stats.inputTokens ?? '—'}</dd>
              <dt className="text-zinc-500">Output tokens</dt>
              <dd data-testid="output-tokens">{stats.outputTokens ?? '—'}</dd>
              <dt className="text-zinc-500">First token</dt>
              <dd>{stats.firstTokenMs === null ? '—' : `${Math.round(stats.firstTokenMs)} ms`}</dd>
              <dt className="text-zinc-500">Total</dt>
              <dd>{Math.round(stats.totalMs)} ms</dd>
            </dl>
          ) : (
            <p className="text-sm text-zinc-500">Tokens and latency of the last reply show here.</p>
          )}
        </Card>
      </div>
    </div>
  );
}

/** Not an error: the gateway holds the chat while the deployment wakes. */
function WakingNotice({ title, message }: { title: string; message: string }) {
  return (
    <div role="status" data-testid="waking-notice" className="rounded-lg border border-blue-200 bg-blue-50 px-5 py-4 text-sm text-blue-800 dark:border-blue-900 dark:bg-blue-950/40 dark:text-blue-300">
      <p className="font-semibold">{title}</p>
      <p className="mt-1">{message}</p>
    </div>
  );
}
