import { getCurrentOrganization, getDeployment, getUsage, listDeploymentEvents, readDeploymentLogs } from '@gguf/api';
import { formatSize } from '@gguf/core';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { AutoRefresh } from '../../../../components/auto-refresh';
import { Badge, StatusBadge } from '../../../../components/badge';
import { BaseUrls } from '../../../../components/base-urls';
import { BarChart } from '../../../../components/bar-chart';
import { buttonClass } from '../../../../components/button';
import { Card } from '../../../../components/card';
import { CodeTabs } from '../../../../components/code-block';
import { CopyField } from '../../../../components/copy-button';
import { DownloadProgressBar } from '../../../../components/download-progress';
import { FileHash } from '../../../../components/file-hash';
import { describeGpus, describeModel, describeScaling, formatDateTime, formatNumber, isSettling, statusLine } from '../../../../lib/dashboard/format';
import { orNotFound } from '../../../../lib/dashboard/or-not-found';
import { requireOrgScope } from '../../../../lib/dashboard/session';
import { deploymentSnippets, organizationSnippets } from '../../../../lib/dashboard/snippets';
import { dailyUsage } from '../../../../lib/dashboard/usage-series';
import { serverContext } from '../../../../lib/server/context';
import { DeploymentActions } from './deployment-actions';
import { ReplicasCard } from './replicas-card';

const LOG_LINES = 200;

export default async function DeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const scope = await requireOrgScope();
  const { deps } = serverContext();
  const deployment = await orNotFound(getDeployment(deps, scope, id));
  const [organization, events, logs, usage] = await Promise.all([
    getCurrentOrganization(deps, scope),
    listDeploymentEvents(deps, scope, id, { limit: 50 }),
    readDeploymentLogs(deps, scope, id, LOG_LINES),
    getUsage(deps, scope, { granularity: 'day', deployment_id: id }),
  ]);
  const model = describeModel(deployment.model);
  const days = dailyUsage(usage);
  // The file the worker prepared on the node, once it has: its hash is what to compare with the publisher's.
  const modelFile: [string, ReactNode][] = [];
  if (deployment.model_bytes !== null) modelFile.push(['File size', formatSize(deployment.model_bytes)]);
  if (deployment.model_sha256) modelFile.push(['SHA-256', <FileHash sha256={deployment.model_sha256} testId="model-sha256" />]);
  const settings: [string, ReactNode][] = [
    ['Model name', <code className="font-mono">{deployment.model_name}</code>],
    ['Aliases', <ModelAliases aliases={deployment.model_aliases} />],
    ['Model', model.detail],
    ...modelFile,
    ['GPUs', describeGpus(deployment.gpu)],
    ['Context size', formatNumber(deployment.context_size)],
    ['Parallel slots', String(deployment.parallel)],
    ['Embeddings', deployment.embeddings ? 'on' : 'off'],
    // Saved bounds (the servers running now are in the Replicas card).
    ['Replicas', `${deployment.replicas.min}–${deployment.replicas.max}`],
    ['Scale to zero', describeScaling(deployment)],
    ['Target concurrency', deployment.target_concurrency === null ? `parallel slots (${deployment.parallel})` : String(deployment.target_concurrency)],
    ['llama-server options', Object.entries(deployment.llama_args).map(([k, v]) => `${k}=${v}`).join(', ') || 'defaults'],
    ['Generation', String(deployment.generation)],
    ['Created', formatDateTime(deployment.created_at)],
  ];

  return (
    <div className="space-y-6">
      {/* Fast while the worker moves it through its states; slower afterwards, to keep the logs live. */}
      <AutoRefresh active intervalMs={isSettling(deployment.status) ? 2000 : 5000} />
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm text-zinc-500">
            <Link href="/deployments" className="hover:underline">
              Deployments
            </Link>{' '}
            /
          </p>
          <h1 className="mt-1 flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight">
            {deployment.name} <StatusBadge status={deployment.status} />
          </h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            {model.name}
            {statusLine(deployment) ? ` — ${statusLine(deployment)}` : ''}
          </p>
        </div>
        <div className="flex flex-col items-end gap-2">
          <div className="flex gap-2">
            <Link href={`/deployments/${id}/playground`} className={buttonClass('primary', 'sm')}>
              Open playground
            </Link>
            <Link href={`/deployments/${id}/settings`} className={buttonClass('secondary', 'sm')}>
              Edit settings
            </Link>
          </div>
          <DeploymentActions id={id} status={deployment.status} desiredState={deployment.desired_state} />
        </div>
      </div>

      {deployment.status === 'pulling' ? (
        <Card title="Downloading the model">
          <DownloadProgressBar download={deployment.download} />
        </Card>
      ) : null}

      <ReplicasCard deployment={deployment} />

      <Card title="Call it by name">
        <div className="grid gap-4 md:grid-cols-2">
          <CopyField label="Model name" value={deployment.model_name} testId="model-name" />
          <div className="min-w-0">
            <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Aliases</p>
            <div className="mt-2 text-sm">
              <ModelAliases aliases={deployment.model_aliases} />
            </div>
          </div>
        </div>
        <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">
          The organization&apos;s{' '}
          <Link href="/endpoint" className="text-indigo-600 hover:underline dark:text-indigo-400">
            endpoint
          </Link>{' '}
          (<code className="break-all">{organization.base_url}</code>) serves all your deployments: <code>model</code> picks this one by its model name or an alias.
        </p>
        <div className="mt-4">
          <CodeTabs snippets={organizationSnippets(organization, deployment.model_name)} />
        </div>
      </Card>

      <Card title="Its own base URL">
        <BaseUrls
          urls={deployment}
          testIdPrefix=""
          note={
            <>
              This URL reaches this deployment alone, so <code>model</code> can be anything, e.g. <code>local</code>.
            </>
          }
        />
        <div className="mt-4">
          <CodeTabs snippets={deploymentSnippets(deployment)} />
        </div>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Settings">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            {settings.map(([term, value]) => (
              <div key={term} className="contents">
                <dt className="text-zinc-500">{term}</dt>
                <dd className="min-w-0 break-words">{value}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card title="Usage, last 30 days">
          <p className="mb-3 text-sm">
            {formatNumber(usage.totals.requests)} requests · {formatNumber(usage.totals.input_tokens)} input tokens · {formatNumber(usage.totals.output_tokens)} output tokens
          </p>
          {usage.totals.requests > 0 ? (
            <BarChart title="Requests per day" labels={days.map((d) => d.day.slice(5))} series={[{ name: 'Requests', fillClass: 'fill-indigo-500', values: days.map((d) => d.requests) }]} />
          ) : (
            <p className="text-sm text-zinc-500">No requests yet. Calls through the gateway show up here within a minute.</p>
          )}
        </Card>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Timeline">
          {events.data.length === 0 ? (
            <p className="text-sm text-zinc-500">No events yet.</p>
          ) : (
            <ol className="max-h-96 space-y-3 overflow-y-auto text-sm" data-testid="timeline">
              {events.data.map((event) => (
                <li key={event.id} className="border-l-2 border-zinc-200 pl-3 dark:border-zinc-700">
                  <p>
                    {event.to_status ? <StatusBadge status={event.to_status} /> : null} {event.message}
                  </p>
                  <p className="text-xs text-zinc-500">{formatDateTime(event.created_at)}</p>
                </li>
              ))}
            </ol>
          )}
        </Card>
        <Card title="Logs">
          {logs.data.length === 0 ? (
            <p className="text-sm text-zinc-500">No output captured yet. llama-server&apos;s log appears here once it starts.</p>
          ) : (
            <pre className="max-h-96 overflow-auto rounded-md bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100" aria-label={`Last ${LOG_LINES} log lines`}>
              {logs.data.join('\n')}
            </pre>
          )}
        </Card>
      </div>
    </div>
  );
}

function ModelAliases({ aliases }: { aliases: string[] }) {
  if (aliases.length === 0) return <span className="text-zinc-500">none</span>;
  return (
    <span className="flex flex-wrap gap-1" data-testid="model-aliases">
      {aliases.map((alias) => (
        <Badge key={alias} tone="blue">
          <code className="font-mono">{alias}</code>
        </Badge>
      ))}
    </span>
  );
}
