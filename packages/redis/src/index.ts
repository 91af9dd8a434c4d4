export * from './activity';
export * from './channels';
export * from './connection';
export * from './jobs';
export * from './logs';
export * from './publish';
export * from './scaling-memory';
