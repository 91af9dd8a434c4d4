import { describe, expect, it } from 'vitest';
import { downloadProgressOf } from './serialize-deployment';

describe('a deployment’s download progress', () => {
  const GiB = 1024 ** 3;
  it.each([
    ['pulling, total known', { status: 'pulling', pullBytes: 1288490189n, pullTotalBytes: 4831838208n }, { bytes: 1288490189, total_bytes: 4831838208, percent: 26 }],
    ['pulling, total unknown', { status: 'pulling', pullBytes: 1024n, pullTotalBytes: null }, { bytes: 1024, total_bytes: null, percent: null }],
    ['pulling, a total of zero', { status: 'pulling', pullBytes: 0n, pullTotalBytes: 0n }, { bytes: 0, total_bytes: 0, percent: null }],
    ['pulling, one byte short of done', { status: 'pulling', pullBytes: BigInt(GiB - 1), pullTotalBytes: BigInt(GiB) }, { bytes: GiB - 1, total_bytes: GiB, percent: 99 }],
    ['pulling, done', { status: 'pulling', pullBytes: BigInt(GiB), pullTotalBytes: BigInt(GiB) }, { bytes: GiB, total_bytes: GiB, percent: 100 }],
    ['pulling, more than announced', { status: 'pulling', pullBytes: 2048n, pullTotalBytes: 1024n }, { bytes: 2048, total_bytes: 1024, percent: 100 }],
    ['pulling, nothing reported yet', { status: 'pulling', pullBytes: null, pullTotalBytes: null }, null],
    ['starting, a count left from the download', { status: 'starting', pullBytes: 10n, pullTotalBytes: 10n }, null],
    ['running', { status: 'running', pullBytes: null, pullTotalBytes: null }, null],
    ['failed mid-download', { status: 'failed', pullBytes: 5n, pullTotalBytes: 10n }, null],
  ] as const)('%s', (_, row, expected) => {
    expect(downloadProgressOf(row)).toEqual(expected);
  });
});
