import { registerNodeBody } from '@gguf/api';
import { fieldErrorsOf } from '../../../../lib/dashboard/action-result';
import { describe, expect, it } from 'vitest';
import { errorsByField, type NodeFormFields, nodeFormBody } from './node-form-input';

const PEM = (kind: string) => `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----\n`;
const fields = (overrides: Partial<NodeFormFields> = {}): NodeFormFields => ({
  name: 'gpu-2',
  docker_endpoint: 'tcp://10.0.0.5:2376',
  address: '10.0.0.5',
  network_mode: 'none',
  port_start: '20000',
  port_end: '20999',
  cpu_slots: '4',
  gpus: '0:NVIDIA L4:23034\n1:NVIDIA L4:23034',
  tls_ca: PEM('CERTIFICATE'),
  tls_cert: PEM('CERTIFICATE'),
  tls_key: PEM('PRIVATE KEY'),
  ...overrides,
});

const errorsOf = (input: NodeFormFields) => {
  const parsed = registerNodeBody.safeParse(nodeFormBody(input));
  return parsed.success ? {} : errorsByField(fieldErrorsOf(parsed.error));
};

describe('the register-node form', () => {
  it('becomes the REST API body, GPUs one per line', () => {
    const body = registerNodeBody.parse(nodeFormBody(fields()));
    expect(body).toMatchObject({ name: 'gpu-2', port_range: { start: 20000, end: 20999 }, cpu_slots: 4, docker_tls: { key: PEM('PRIVATE KEY') } });
    expect(body.gpus).toEqual([
      { index: 0, type: 'NVIDIA L4', memory_mb: 23034 },
      { index: 1, type: 'NVIDIA L4', memory_mb: 23034 },
    ]);
  });

  it('puts each validation message under the field that shows it', () => {
    expect(errorsOf(fields({ tls_ca: '', tls_cert: '', tls_key: '' }))).toEqual({ tls: expect.stringContaining('required for a tcp://') });
    expect(errorsOf(fields({ port_start: '30000', port_end: '20000' }))).toEqual({ port_start: 'start must not be above end' });
    expect(errorsOf(fields({ gpus: '0:NVIDIA L4:23034\nlots of GPUs' }))).toEqual({ gpus: expect.stringMatching(/^GPU line 2: /) });
    expect(errorsOf(fields({ cpu_slots: 'four' }))).toEqual({ cpu_slots: expect.any(String) });
    expect(errorsOf(fields({ network_mode: 'open' }))).toEqual({ network_mode: 'must be "none", "host" or "bridge"' });
  });

  it.each(['none', 'host', 'bridge'])('passes network mode %s to the API', (mode) => {
    expect(registerNodeBody.parse(nodeFormBody(fields({ network_mode: mode }))).network_mode).toBe(mode);
  });
});
