'use client';

import type { DeploymentAction } from '@gguf/api';
import type { DeploymentStatus, DesiredState } from '@gguf/core';
import { useState } from 'react';
import { ConfirmButton } from '../../../../components/confirm-button';
import { ErrorState } from '../../../../components/states';
import { deploymentAction } from './actions';

const CONFIRM: Record<DeploymentAction, { title: string; body: string; confirm: string }> = {
  start: { title: 'Start this deployment?', body: 'It is placed on a node with free GPUs and starts serving when ready.', confirm: 'Start' },
  stop: { title: 'Stop this deployment?', body: 'Requests to its base URL fail until you start it again. Its settings and keys stay.', confirm: 'Stop' },
  restart: { title: 'Restart this deployment?', body: 'The server is replaced; requests in flight may fail.', confirm: 'Restart' },
  delete: { title: 'Delete this deployment?', body: 'The server is stopped and the base URL stops working for good. This cannot be undone.', confirm: 'Delete' },
};

/** Start / stop / restart / delete, each confirmed; an API refusal is shown in words. */
export function DeploymentActions({ id, status, desiredState }: { id: string; status: DeploymentStatus; desiredState: DesiredState }) {
  const [error, setError] = useState<string | null>(null);
  const available: DeploymentAction[] = desiredState === 'running' ? ['stop', 'restart', 'delete'] : ['start', 'delete'];
  if (status === 'deleting' || status === 'deleted') return null;
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap gap-2">
        {available.map((action) => (
          <ConfirmButton
            key={action}
            label={action[0]!.toUpperCase() + action.slice(1)}
            title={CONFIRM[action].title}
            body={CONFIRM[action].body}
            confirmLabel={CONFIRM[action].confirm}
            variant={action === 'delete' ? 'danger' : 'secondary'}
            action={async () => {
              const result = await deploymentAction(id, action);
              setError(result.ok ? null : result.message);
            }}
          />
        ))}
      </div>
      {error ? <ErrorState title="The action was refused" message={error} /> : null}
    </div>
  );
}
