export * from './common';
export * from './fields';
export * from './gateway';
export * from './parse-env';
