import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript source; Next compiles them with the app.
  transpilePackages: ['@gguf/api', '@gguf/core', '@gguf/db', '@gguf/redis'],
  // Native-ish server dependencies stay as runtime requires instead of being bundled.
  serverExternalPackages: ['pg', '@prisma/adapter-pg', '@prisma/client', 'ioredis', 'bullmq', 'pino'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
