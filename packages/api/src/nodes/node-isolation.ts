import type { Node } from '@gguf/db';

/**
 * How well a node keeps tenants apart, from its runtime and network mode:
 * - `sealed`: Docker with no network; a hostile model file has nothing to reach.
 * - `network`: Docker with host or bridge networking; servers can reach networks from the node.
 * - `none`: the process runtime; servers share the machine's network and file system.
 */
export const NODE_ISOLATIONS = ['sealed', 'network', 'none'] as const;
export type NodeIsolation = (typeof NODE_ISOLATIONS)[number];

export function nodeIsolation(node: Pick<Node, 'runtimeKind' | 'networkMode'>): NodeIsolation {
  if (node.runtimeKind === 'process') return 'none';
  return node.networkMode === 'none' ? 'sealed' : 'network';
}
