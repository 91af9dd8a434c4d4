import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('createLogger', () => {
  it('redacts credentials wherever this codebase puts them', () => {
    const { lines, destination } = capture();
    const logger = createLogger('test', 'info', destination);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer gguf_secret1', 'x-api-key': 'gguf_secret2', key: 'gguf_secret3', cookie: 'session=gguf_secret4' } },
        deployment: { id: 'dep_x', upstreamSecret: 'gguf_secret5' },
        user: { password: 'gguf_secret6' },
        token: 'gguf_secret7',
      },
      'hello',
    );
    const output = lines.join('');
    expect(output).not.toMatch(/gguf_secret/);
    expect(output).toContain('[redacted]');
    expect(JSON.parse(output)).toMatchObject({ name: 'test', msg: 'hello', deployment: { id: 'dep_x' } });
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger('test', 'warn', destination);
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });
});
