import { type EnvError, parseEnv } from '@gguf/core';
import { describe, expect, it } from 'vitest';
import { gatewayEnv } from './env';

const base = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379', SECRETS_KEY: 'k'.repeat(32) };

describe('the gateway environment', () => {
  it('applies its defaults, 0 meaning no limit where a limit is asked for', () => {
    expect(parseEnv('gateway', gatewayEnv, base)).toMatchObject({ GATEWAY_PORT: 3001, PUBLIC_GATEWAY_URL: 'http://localhost:3001', GATEWAY_KEY_RPM: 600, GATEWAY_KEY_MAX_STREAMS: 32, GATEWAY_WAKE_COMMENT_INTERVAL_MS: 5_000, GATEWAY_UPSTREAM_EJECT_MS: 5_000, GATEWAY_UPSTREAM_RETRY_WINDOW_MS: 45_000 });
    expect(parseEnv('gateway', gatewayEnv, { ...base, GATEWAY_KEY_RPM: '0' }).GATEWAY_KEY_RPM).toBe(0);
  });

  it('names what is wrong, variable by variable', () => {
    const refused = (() => {
      try {
        parseEnv('gateway', gatewayEnv, { ...base, GATEWAY_PORT: '70000', GATEWAY_KEY_RPM: '-1', SECRETS_KEY: 'short' });
      } catch (error) {
        return (error as EnvError).problems;
      }
      return [];
    })();
    expect(refused).toEqual(['SECRETS_KEY: must be at least 32 characters', 'GATEWAY_PORT: must be between 1 and 65535', 'GATEWAY_KEY_RPM: cannot be negative']);
  });
});
