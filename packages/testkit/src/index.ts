export * from './database';
export * from './exclusive';
export * from './test-env';
export * from './test-secrets';
