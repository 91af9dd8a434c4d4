import { describe, expect, it } from 'vitest';
import { upstreamErrorResponse } from './upstream-errors';

const llama = (code: number, message: string) => JSON.stringify({ error: { code, message, type: code === 501 ? 'not_supported_error' : 'server_error' } });

describe('upstreamErrorResponse', () => {
  it('keeps the status and message of an upstream error', () => {
    expect(upstreamErrorResponse(500, llama(500, 'boom'), undefined)).toMatchObject({ status: 500, code: 'upstream_error', message: 'boom' });
    expect(upstreamErrorResponse(400, llama(400, 'bad'), undefined)).toMatchObject({ status: 400, code: 'invalid_request', message: 'bad' });
    expect(upstreamErrorResponse(503, 'not json', undefined)).toMatchObject({ status: 503, code: 'deployment_loading', retryAfter: 5 });
  });

  it('answers 400 for what the deployment was not started with, or a field only llama-server can judge: a retry cannot fix them', () => {
    for (const message of ['tools param requires --jinja flag', 'tool_choice param requires --jinja flag', 'image input is not supported - hint: if this is unexpected, you may need to provide the mmproj']) {
      expect(upstreamErrorResponse(500, llama(500, message), undefined)).toMatchObject({ status: 400, code: 'unsupported_by_deployment', message });
    }
    for (const message of ["Failed to parse messages: Missing 'role' in message: {}", '"json_schema": Unrecognized schema', 'Only one completion choice is allowed', 'Only no echo is supported', 'Unsupported param: best_of']) {
      expect(upstreamErrorResponse(500, llama(500, message), undefined)).toMatchObject({ status: 400, code: 'invalid_request', message });
    }
    const embeddings = 'This server does not support embeddings. Start it with `--embeddings`';
    expect(upstreamErrorResponse(501, llama(501, embeddings), undefined)).toMatchObject({ status: 400, code: 'unsupported_by_deployment', message: embeddings });
  });

  it('blames the platform, not the caller, when llama-server refuses the gateway’s secret', () => {
    expect(upstreamErrorResponse(401, llama(401, 'Invalid API Key'), undefined)).toMatchObject({ status: 502, code: 'upstream_auth_failed' });
  });
});
