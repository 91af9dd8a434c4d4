// Prints one scenario of the gateway benchmark: a row per path (throughput, latency, latency added over the
// direct path, stream timings) and the ratios between paths measured in the same run.
import { type PathName, percentile, type Result } from './gateway-load';

/** Pairs compared on throughput, each as "first ÷ second", printed when both were measured. */
const THROUGHPUT_RATIOS: [PathName, PathName][] = [
  ['gateway', 'nginx'],
  ['gateway', 'node'],
  // The organization endpoint (the deployment resolved from `model`) against the deployment's own URL.
  ['llm', 'gateway'],
  // The gateway as it is against an earlier revision of it (--baseline), in the same run.
  ['gateway', 'baseline'],
  ['node', 'nginx'],
  ['nginx', 'direct'],
];

/** Pairs that differ by one hop (the worker's TCP-to-socket forwarder): throughput ratio and added latency. */
const HOP_PAIRS: [PathName, PathName][] = [
  ['forwarder', 'direct'],
  ['sealed', 'gateway'],
];

const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(2));
const throughput = (r: Result) => r.requests / r.seconds;

export function printScenario(name: string, stream: boolean, results: Map<PathName, Result>): void {
  const direct = results.get('direct');
  const rows = [...results].map(([path, r]) => {
    const added = (p: number) => (direct && path !== 'direct' ? ms(percentile(r.latencies, p) - percentile(direct.latencies, p)) : '-');
    const cells = [
      path.padEnd(9),
      throughput(r).toFixed(0).padStart(8),
      String(r.errors).padStart(6),
      ms(percentile(r.latencies, 50)).padStart(8),
      ms(percentile(r.latencies, 99)).padStart(8),
      added(50).padStart(9),
      added(99).padStart(9),
    ];
    if (stream) cells.push(...[percentile(r.ttfb, 50), percentile(r.ttfb, 99), percentile(r.gaps, 50), percentile(r.gaps, 99)].map((v) => ms(v).padStart(9)));
    return cells.join(' ');
  });
  const header = ['path     ', '   req/s', 'errors', '  p50 ms', '  p99 ms', '+p50 ms', '+p99 ms'];
  if (stream) header.push('ttfb p50', 'ttfb p99', 'gap p50', 'gap p99');

  const measured = ([a, b]: [PathName, PathName]) => results.has(a) && results.has(b);
  const ratios = THROUGHPUT_RATIOS.filter(measured).map(([a, b]) => `${a}/${b} ${(throughput(results.get(a)!) / throughput(results.get(b)!)).toFixed(2)}x`);
  const hops = HOP_PAIRS.filter(measured).map(([a, b]) => hop(a, results.get(a)!, b, results.get(b)!, stream));
  process.stdout.write(
    `${name}\n${header.map((h) => h.padStart(9)).join(' ')}\n${rows.join('\n')}\n` +
      (ratios.length > 0 ? `throughput: ${ratios.join('   ')}\n` : '') +
      hops.map((line) => `hop: ${line}\n`).join('') +
      `cpu µs per ${stream ? 'stream' : 'request'}: ${[...results].map(([path, r]) => `${path} (${cpuPerRequest(r)})`).join('; ')}\n` +
      '\n',
  );
}

/** CPU each process behind a path spent per successful request, e.g. "gateway 210 + forwarder 38". */
function cpuPerRequest(r: Result): string {
  return Object.entries(r.cpu)
    .map(([role, seconds]) => `${role} ${((seconds * 1e6) / r.requests).toFixed(0)}`)
    .join(' + ');
}

/** What the extra hop costs: `with` is `without` plus the forwarder. */
function hop(withName: PathName, withHop: Result, withoutName: PathName, without: Result, stream: boolean): string {
  const delta = (list: 'latencies' | 'ttfb', p: number) => {
    const value = percentile(withHop[list], p) - percentile(without[list], p);
    return `${value >= 0 ? '+' : ''}${ms(value)}`;
  };
  const parts = [
    `${withName}/${withoutName} ${(throughput(withHop) / throughput(without)).toFixed(2)}x`,
    `p50 ${delta('latencies', 50)} ms`,
    `p99 ${delta('latencies', 99)} ms`,
  ];
  if (stream) parts.push(`ttfb p50 ${delta('ttfb', 50)} ms`);
  return parts.join(', ');
}
