import type { UsageReport } from '@gguf/api';

export interface DailyUsage {
  day: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** One row per UTC day of the report's range, quiet days included as zeros (the API leaves them out). */
export function dailyUsage(report: UsageReport): DailyUsage[] {
  const byDay = new Map(report.data.map((bucket) => [bucket.start.slice(0, 10), bucket]));
  const rows: DailyUsage[] = [];
  const first = Date.parse(`${report.from.slice(0, 10)}T00:00:00Z`);
  for (let t = first; t < Date.parse(report.to); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    const bucket = byDay.get(day);
    rows.push({ day, requests: bucket?.requests ?? 0, input_tokens: bucket?.input_tokens ?? 0, output_tokens: bucket?.output_tokens ?? 0 });
  }
  return rows;
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const cell = (value: string | number) => {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
