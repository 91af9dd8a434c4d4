import type { NodeObject } from '@gguf/api';
import { formatSize } from '@gguf/core';
import { Table, Td } from '../../../../components/table';
import { formatDateTime } from '../../../../lib/dashboard/format';

/** Rows shown at most; the admin API lists every entry. */
const SHOWN = 100;
/** A longer library starts folded, so the node's GPUs stay in view. */
const OPEN_UP_TO = 5;

/** The models of a node's library (MODELS_DIR/library), which `local` deployments name by path. */
export function NodeLibrary({ node }: { node: Pick<NodeObject, 'name' | 'library'> }) {
  const { library } = node;
  if (library === null) return <p className="text-sm text-zinc-500">Library: not reported yet; the node&apos;s worker lists MODELS_DIR/library once it runs.</p>;
  if (library.length === 0) return <p className="text-sm text-zinc-500">Library: empty. Put .gguf files in MODELS_DIR/library on the node for <code>local</code> deployments.</p>;
  const total = library.reduce((sum, entry) => sum + entry.bytes, 0);
  return (
    <details open={library.length <= OPEN_UP_TO} data-testid="node-library">
      <summary className="cursor-pointer text-sm font-medium">
        Library: {library.length} {library.length === 1 ? 'model' : 'models'}, {formatSize(total)}
      </summary>
      <div className="mt-2">
        <Table head={['Path (for local deployments)', 'Size', 'Modified']} caption={`Library of ${node.name}`}>
          {library.slice(0, SHOWN).map((entry) => (
            <tr key={entry.path}>
              <Td className="font-mono text-xs break-all">{entry.path}</Td>
              <Td className="whitespace-nowrap tabular-nums">{formatSize(entry.bytes)}</Td>
              <Td className="whitespace-nowrap text-zinc-500">{formatDateTime(entry.modified_at)}</Td>
            </tr>
          ))}
        </Table>
        {library.length > SHOWN ? (
          <p className="mt-2 text-xs text-zinc-500">
            and {library.length - SHOWN} more; <code>GET /api/v1/admin/nodes/{'{id}'}</code> lists them all.
          </p>
        ) : null}
      </div>
    </details>
  );
}
