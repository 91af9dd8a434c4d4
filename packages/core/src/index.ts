export * from './api-keys';
export * from './deployment-state';
export * from './env/index';
export * from './health';
export * from './ids';
export * from './logger';
export * from './retry';
export * from './shutdown';
