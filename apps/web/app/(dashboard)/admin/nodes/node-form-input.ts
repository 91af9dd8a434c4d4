import { parseGpuEntry } from '@gguf/core/gpu-entry';

/** The register-node form's fields as text, turned into the REST API's body (validated by registerNodeBody). */
export interface NodeFormFields {
  name: string;
  docker_endpoint: string;
  address: string;
  network_mode: string;
  port_start: string;
  port_end: string;
  cpu_slots: string;
  /** One GPU per line: "index:type:memoryMb[:uuid]", as NODE_GPUS takes them. */
  gpus: string;
  tls_ca: string;
  tls_cert: string;
  tls_key: string;
}

const number = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

/** Malformed GPU lines come back as the line itself, so validation names them instead of dropping them. */
function gpuOf(line: string): unknown {
  const gpu = parseGpuEntry(line);
  return gpu ? { index: gpu.index, type: gpu.type, memory_mb: gpu.memoryMb, ...(gpu.uuid ? { uuid: gpu.uuid } : {}) } : line;
}

export function nodeFormBody(fields: NodeFormFields): Record<string, unknown> {
  const tls = [fields.tls_ca, fields.tls_cert, fields.tls_key].some((value) => value.trim() !== '');
  return {
    name: fields.name,
    docker_endpoint: fields.docker_endpoint.trim(),
    address: fields.address,
    network_mode: fields.network_mode,
    port_range: { start: number(fields.port_start), end: number(fields.port_end) },
    cpu_slots: number(fields.cpu_slots),
    gpus: fields.gpus.split(/\r?\n|,/).filter((line) => line.trim() !== '').map(gpuOf),
    ...(tls ? { docker_tls: { ca: fields.tls_ca, cert: fields.tls_cert, key: fields.tls_key } } : {}),
  };
}

/** Field errors by dotted path ("port_range.start", "gpus.1.type") grouped under the form field that shows them. */
export function errorsByField(fieldErrors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fieldErrors)) {
    const [head, second] = path.split('.');
    const field = head === 'port_range' ? (second === 'end' ? 'port_end' : 'port_start') : head === 'docker_tls' ? 'tls' : (head ?? '');
    out[field] ??= head === 'gpus' && second !== undefined ? `GPU line ${Number(second) + 1}: ${message}` : message;
  }
  return out;
}
