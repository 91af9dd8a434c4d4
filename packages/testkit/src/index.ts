export * from './database';
export * from './exclusive';
export * from './fake-hub/index';
export * from './test-env';
export * from './test-secrets';
export * from './seeded-random';
