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
        node: { id: 'node_x', dockerTls: '{"key":"gguf_secret8"}', tls: { key: 'gguf_secret9' } },
        organization: { hfToken: 'hf_gguf_secret10', hfTokenSecret: 'gse1.gguf_secret11' },
        env: { SECRETS_KEY: 'gguf_secret12', SECRETS_KEY_PREVIOUS: 'gguf_secret13', HF_TOKEN: 'gguf_secret14', LLAMA_API_KEY: 'gguf_secret15' },
        hf_token: 'gguf_secret16',
      },
      'hello',
    );
    const output = lines.join('');
    expect(output).not.toMatch(/gguf_secret/);
    expect(output).toContain('[redacted]');
    expect(JSON.parse(output)).toMatchObject({ name: 'test', msg: 'hello', deployment: { id: 'dep_x' }, node: { id: 'node_x' } });
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger('test', 'warn', destination);
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });
});
