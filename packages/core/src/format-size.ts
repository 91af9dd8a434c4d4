/**
 * A byte count as people read it, in binary units with up to two decimals: 20 GiB, 1.5 GiB,
 * 512 MiB, 100 KiB, 900 bytes. One wording for the worker's download messages and the dashboard.
 */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 4, 'TiB'],
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  const [size, unit] = units.find(([size]) => bytes >= size) ?? [1, 'bytes'];
  return `${Number((bytes / size).toFixed(2))} ${unit}`;
}
