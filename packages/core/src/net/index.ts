export * from './allowed-hosts';
export * from './model-url';
export * from './public-address';
