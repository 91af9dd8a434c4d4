import { SecretBox } from '@gguf/core';

/** SECRETS_KEY of every app and domain function under test: fixed, so a row sealed by one opens in another. */
export const TEST_SECRETS_KEY = 'test-secrets-key-0123456789abcdef0123456789';

/** What the apps build from SECRETS_KEY, for tests that write or read sealed columns themselves. */
export const testSecrets = new SecretBox({ current: TEST_SECRETS_KEY });
