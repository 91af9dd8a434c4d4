export { looksSealed, SEALED_PATTERN } from './envelope';
export { SECRET_COLUMNS, type SecretColumn, secretLocation } from './locations';
export { SecretBox, secretBoxFromEnv, SecretsError, type SecretKeys, type SecretsErrorReason } from './secret-box';
