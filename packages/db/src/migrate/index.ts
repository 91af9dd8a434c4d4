export { seedPlatformAdmin } from '../bootstrap/seed-platform-admin';
export { applyMigrations } from './apply-migrations';
export { createMigration, diffSchemaAgainstMigrations } from './create-migration';
export { type ColumnReport, describeReports, rotateStoredSecrets, sealPlaintextSecrets } from './stored-secrets';
