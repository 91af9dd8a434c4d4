import { ALL_ROUTES, buildOpenApiDocument, type RouteSpec } from '@gguf/api';
import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'API reference · GGUF Cloud' };

type Json = Record<string, unknown>;

const AUTH_LABEL: Record<RouteSpec['auth'], string> = {
  org: 'Organization API key or dashboard session',
  admin: 'ADMIN_TOKEN or a platform admin session',
  public: 'None',
};

const METHOD_COLOR: Record<string, string> = {
  GET: 'bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-200',
  POST: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200',
  PATCH: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200',
  PUT: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200',
  DELETE: 'bg-rose-100 text-rose-800 dark:bg-rose-900 dark:text-rose-200',
};

const anchor = (value: string) => value.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** A readable rendering of the same OpenAPI document /api/v1/openapi.json serves. */
export default function ApiReference() {
  const doc = buildOpenApiDocument();
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
  const tags = [...new Set(ALL_ROUTES.map((r) => r.tag))];
  return (
    <main className="mx-auto max-w-5xl px-6 py-12">
      <h1 className="text-3xl font-semibold tracking-tight">API reference</h1>
      <p className="mt-3 text-zinc-600 dark:text-zinc-400">
        JSON over HTTPS with snake_case fields. Send <code>Authorization: Bearer &lt;key&gt;</code>. Lists answer{' '}
        <code>{'{ "data": [...], "next_cursor": ... }'}</code>; pass <code>cursor</code> to get the next page. Errors answer{' '}
        <code>{'{ "error": { "type", "message", "param", "request_id" } }'}</code>. Machine-readable:{' '}
        <a className="underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>
        .
      </p>
      <nav className="mt-6 flex flex-wrap gap-3 text-sm">
        {tags.map((tag) => (
          <a key={tag} className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700" href={`#${anchor(tag)}`}>
            {tag}
          </a>
        ))}
        <a className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700" href="#schemas">
          Schemas
        </a>
      </nav>
      {tags.map((tag) => (
        <section key={tag} id={anchor(tag)} className="mt-12">
          <h2 className="text-2xl font-semibold">{tag}</h2>
          {ALL_ROUTES.filter((route) => route.tag === tag).map((route) => (
            <Operation key={route.operationId} route={route} operation={paths[route.path]?.[route.method.toLowerCase()] ?? {}} />
          ))}
        </section>
      ))}
      <section id="schemas" className="mt-12">
        <h2 className="text-2xl font-semibold">Schemas</h2>
        {Object.entries(schemas).map(([name, schema]) => (
          <details key={name} id={`schema-${name}`} className="mt-3 rounded border border-zinc-200 p-3 dark:border-zinc-800">
            <summary className="cursor-pointer font-mono text-sm">{name}</summary>
            <pre className="mt-2 overflow-x-auto text-xs">{JSON.stringify(schema, null, 2)}</pre>
          </details>
        ))}
      </section>
    </main>
  );
}

function Operation({ route, operation }: { route: RouteSpec; operation: Json }) {
  const parameters = (operation.parameters ?? []) as Json[];
  const body = (operation.requestBody as { content: { 'application/json': { schema: Json } } } | undefined)?.content['application/json'].schema;
  const responses = operation.responses as Record<string, { description: string; content?: { 'application/json': { schema: Json } } }>;
  return (
    <article id={route.operationId} className="mt-6 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <h3 className="flex flex-wrap items-center gap-3 font-mono text-sm">
        <span className={`rounded px-2 py-0.5 font-semibold ${METHOD_COLOR[route.method] ?? ''}`}>{route.method}</span>
        <span>{route.path}</span>
      </h3>
      <p className="mt-2 font-medium">{route.summary}</p>
      {route.description ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{route.description}</p> : null}
      <p className="mt-2 text-xs text-zinc-500">Authentication: {AUTH_LABEL[route.auth]}</p>
      {parameters.length > 0 ? (
        <table className="mt-3 w-full text-left text-sm">
          <thead className="text-xs uppercase text-zinc-500">
            <tr>
              <th className="py-1">Parameter</th>
              <th>In</th>
              <th>Required</th>
              <th>Schema</th>
            </tr>
          </thead>
          <tbody>
            {parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`} className="border-t border-zinc-100 align-top dark:border-zinc-900">
                <td className="py-1 font-mono">{String(p.name)}</td>
                <td>{String(p.in)}</td>
                <td>{p.required ? 'yes' : 'no'}</td>
                <td className="font-mono text-xs">{describeSchema(p.schema as Json)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {body ? <p className="mt-3 text-sm">Request body: <SchemaLink schema={body} /></p> : null}
      <ul className="mt-3 text-sm">
        {Object.entries(responses).map(([status, response]) => (
          <li key={status}>
            <span className="font-mono">{status}</span> {response.description}
            {response.content ? <> — <SchemaLink schema={response.content['application/json'].schema} /></> : null}
          </li>
        ))}
      </ul>
    </article>
  );
}

function SchemaLink({ schema }: { schema: Json }) {
  const ref = typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;
  if (!ref) return <code className="text-xs">{describeSchema(schema)}</code>;
  return (
    <a className="font-mono underline" href={`#schema-${ref}`}>
      {ref}
    </a>
  );
}

function describeSchema(schema: Json): string {
  const parts = [Array.isArray(schema.enum) ? schema.enum.map((v) => JSON.stringify(v)).join(' | ') : String(schema.type ?? 'any')];
  if (schema.minimum !== undefined) parts.push(`≥ ${String(schema.minimum)}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${String(schema.maximum)}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.format) parts.push(String(schema.format));
  return parts.join(', ');
}
