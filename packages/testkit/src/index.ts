export * from './database';
export * from './test-env';
