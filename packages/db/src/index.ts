export * from './client';
export * from './connect';
export * from './generated/client';
export { applyMigrations } from './migrate/apply-migrations';
export { createMigration, diffSchemaAgainstMigrations } from './migrate/create-migration';
