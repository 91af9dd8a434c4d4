import { hkdfSync } from 'node:crypto';

/** A key-encryption key derived from SECRETS_KEY (or SECRETS_KEY_PREVIOUS), and the id envelopes name it by. */
export interface MasterKey {
  /** 8 base64url characters; one-way, so it names the key without revealing anything about it. */
  id: string;
  key: Buffer;
}

const SALT = 'gguf-cloud/secrets';

/**
 * HKDF-SHA256 turns the configured text (any string of at least 32 characters, normally 32 random bytes in
 * base64) into a uniformly random AES-256 key, and separately into the key's id.
 */
export function deriveMasterKey(secret: string): MasterKey {
  const derive = (info: string, bytes: number) => Buffer.from(hkdfSync('sha256', secret, SALT, info, bytes));
  return { id: derive('gse1/key-id', 6).toString('base64url'), key: derive('gse1/key-encryption-key', 32) };
}
