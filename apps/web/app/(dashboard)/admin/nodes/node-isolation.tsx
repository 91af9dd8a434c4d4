import type { NodeObject } from '@gguf/api';
import { Badge } from '../../../../components/badge';

const BADGES = {
  sealed: { tone: 'green', text: 'sealed' },
  network: { tone: 'yellow', text: 'not sealed: network' },
  none: { tone: 'red', text: 'no tenant isolation' },
} as const;

/** The node's isolation as a badge next to its name: green only where a hostile model has nothing to reach. */
export function IsolationBadge({ isolation }: { isolation: NodeObject['isolation'] }) {
  const { tone, text } = BADGES[isolation];
  return (
    <span data-testid="node-isolation" data-isolation={isolation}>
      <Badge tone={tone}>{text}</Badge>
    </span>
  );
}

const WARNING_TONES = {
  network: 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200',
  none: 'border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200',
} as const;

/** What an operator must know about a node that does not seal its servers, and what to do about it; nothing for a sealed one. */
export function IsolationWarning({ node }: { node: Pick<NodeObject, 'isolation' | 'network_mode'> }) {
  if (node.isolation === 'sealed') return null;
  const why =
    node.isolation === 'none'
      ? "servers run as plain processes of the worker's machine (process runtime), sharing its network and file system. Use it for a single-machine trial, not for tenants you do not trust; run those on a Docker node with network mode none."
      : `its servers can reach networks from the node (Docker network mode ${node.network_mode}): the node's other services, the cloud metadata address, other servers. Put an egress firewall in front of it, or register it with network mode none.`;
  return (
    <p role="note" className={`mb-3 rounded-md border p-3 text-sm ${WARNING_TONES[node.isolation]}`} data-testid="isolation-warning">
      <strong>This node&apos;s runtime does not isolate tenants:</strong> {why}
    </p>
  );
}
