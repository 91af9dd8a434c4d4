/** A database column that holds sealed secrets (SecretBox envelopes), one per row. */
export interface SecretColumn {
  table: string;
  column: string;
}

/**
 * Every column that holds a sealed secret. The migration that seals values written before encryption and
 * the key rotation walk this list; each value is bound to its table, column and row (see secretLocation).
 */
export const SECRET_COLUMNS = {
  /** The key llama-server requires of callers; only the gateway and the worker open it. */
  deploymentUpstreamSecret: { table: 'deployments', column: 'upstream_secret' },
  /** JSON {ca, cert, key} of a remote Docker engine's TLS client: root on that GPU server. */
  nodeDockerTls: { table: 'nodes', column: 'docker_tls' },
  /** An organization's own Hugging Face token, for its downloads only. */
  organizationHfToken: { table: 'organizations', column: 'hf_token_secret' },
} as const satisfies Record<string, SecretColumn>;

/** The additional data a value is sealed with: where it is stored, so it opens nowhere else. */
export function secretLocation(column: SecretColumn, rowId: string): string {
  return `${column.table}.${column.column}:${rowId}`;
}
