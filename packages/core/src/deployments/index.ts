export * from './llama-args';
export * from './model-source';
export * from './server-args';
export * from './model-name';
