import { describe, expect, it } from 'vitest';
import { deploymentPrefix, legacyServerId, serverName } from './types';

describe('server names', () => {
  const deploymentId = 'dep_01m8ncevg3yb4gq6acvk0548fk';
  const serverId = 'srv_01m8pd27gst7zhdfaqv8bk5eqn';

  it('names a server after its deployment, the tail of its id and its generation', () => {
    expect(serverName({ deploymentId, serverId, generation: 3 })).toBe('gguf-01m8ncevg3yb4gq6acvk0548fk-bk5eqn-g3');
    expect(serverName({ deploymentId, serverId, generation: 3 }).startsWith(deploymentPrefix(deploymentId))).toBe(true);
  });

  it('is no longer than a name was before deployments had several servers, so socket paths still fit', () => {
    const before = `gguf-${deploymentId}-g9999999`;
    expect(serverName({ deploymentId, serverId, generation: 9_999_999 }).length).toBeLessThanOrEqual(before.length + 3);
  });

  it("gives a process started before the servers table the id the migration gave its deployment's server", () => {
    expect(legacyServerId(deploymentId)).toBe('srv_01m8ncevg3yb4gq6acvk0548fk');
  });
});
