// Prisma CLI configuration, for operators who run the stock CLI (`prisma migrate deploy`) with
// internet access. This repository's own tooling (npm run db:migrate) does not need it.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
