import { looksSealed, SEALED_PATTERN, SECRET_COLUMNS, type SecretBox, type SecretColumn, secretLocation, SecretsError } from '@gguf/core';
import type { Database } from '../client';

/** What one pass did to one column: counts only, never a value. */
export interface ColumnReport {
  /** `table.column` */
  column: string;
  /** Values found in plain text (written before secrets were sealed) and sealed now. */
  sealed: number;
  /** Values whose data key was re-wrapped under SECRETS_KEY. */
  rewrapped: number;
  /** Values that could not be opened: where they are and why, to fix by hand. */
  failed: { location: string; reason: string }[];
}

export interface PassOptions {
  /** Rows read and written per round trip. */
  batchSize?: number;
}

/**
 * The migration step: seals every value still stored in plain text (rows written before secrets were
 * encrypted). Idempotent: a sealed value is never touched again.
 */
export function sealPlaintextSecrets(db: Database, secrets: SecretBox, options: PassOptions = {}): Promise<ColumnReport[]> {
  return eachColumn((column) => walk(db, secrets, column, { rotate: false, batchSize: options.batchSize ?? 500 }));
}

/**
 * Key rotation: re-wraps every value not yet under SECRETS_KEY (SECRETS_KEY_PREVIOUS opens the old ones), and
 * seals any plaintext left. Only data keys change. Each batch is committed on its own and each row is written
 * only if it still holds the value read, so an interrupted run resumes where it stopped and apps may keep writing.
 */
export function rotateStoredSecrets(db: Database, secrets: SecretBox, options: PassOptions = {}): Promise<ColumnReport[]> {
  return eachColumn((column) => walk(db, secrets, column, { rotate: true, batchSize: options.batchSize ?? 500 }));
}

/** One line per column that changed, e.g. `deployments.upstream_secret: 3 sealed`; empty when nothing did. */
export function describeReports(reports: ColumnReport[]): string[] {
  return reports
    .filter((r) => r.sealed + r.rewrapped + r.failed.length > 0)
    .map((r) => {
      const parts = [r.sealed ? `${r.sealed} sealed` : '', r.rewrapped ? `${r.rewrapped} re-wrapped` : '', r.failed.length ? `${r.failed.length} could not be opened` : ''];
      return `${r.column}: ${parts.filter(Boolean).join(', ')}`;
    });
}

async function eachColumn(pass: (column: SecretColumn) => Promise<ColumnReport>): Promise<ColumnReport[]> {
  const reports: ColumnReport[] = [];
  for (const column of Object.values(SECRET_COLUMNS)) reports.push(await pass(column));
  return reports;
}

async function walk(db: Database, secrets: SecretBox, column: SecretColumn, { rotate, batchSize }: { rotate: boolean; batchSize: number }): Promise<ColumnReport> {
  const report: ColumnReport = { column: `${column.table}.${column.column}`, sealed: 0, rewrapped: 0, failed: [] };
  // Identifiers come from the fixed catalogue above, never from input.
  const table = `"${column.table}"`;
  const col = `"${column.column}"`;
  // Plaintext only, or (rotating) everything not already sealed under the current key.
  const pending = rotate ? `left(${col}, length($3)) <> $3` : `${col} !~ $3`;
  const pattern = rotate ? secrets.currentPrefix : SEALED_PATTERN;
  let after = '';
  for (;;) {
    const rows = await db.$queryRawUnsafe<{ id: string; value: string }[]>(
      `SELECT id, ${col} AS value FROM ${table} WHERE ${col} IS NOT NULL AND id > $1 AND ${pending} ORDER BY id LIMIT $2`,
      after,
      batchSize,
      pattern,
    );
    if (rows.length === 0) return report;
    after = rows[rows.length - 1]!.id;
    const writes: { id: string; from: string; to: string }[] = [];
    for (const { id, value } of rows) {
      const location = secretLocation(column, id);
      if (!looksSealed(value)) {
        writes.push({ id, from: value, to: secrets.seal(value, location) });
        report.sealed++;
        continue;
      }
      try {
        writes.push({ id, from: value, to: secrets.rewrap(value, location) });
        report.rewrapped++;
      } catch (error) {
        if (!(error instanceof SecretsError)) throw error;
        report.failed.push({ location, reason: error.message });
      }
    }
    // Compare-and-set: a row an app rewrote meanwhile keeps the app's value.
    await db.$transaction(writes.map((w) => db.$executeRawUnsafe(`UPDATE ${table} SET ${col} = $1 WHERE id = $2 AND ${col} = $3`, w.to, w.id, w.from)));
  }
}
