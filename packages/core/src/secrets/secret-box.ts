import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES, type Envelope, ENVELOPE_VERSION, formatEnvelope, IV_BYTES, parseEnvelope, TAG_BYTES } from './envelope';
import { deriveMasterKey, type MasterKey } from './master-key';

export type SecretsErrorReason = 'malformed' | 'unknown_key' | 'not_authentic';

/** A stored secret that cannot be opened. The message names where it is stored and why, never the value. */
export class SecretsError extends Error {
  constructor(
    readonly reason: SecretsErrorReason,
    readonly location: string,
    detail: string,
  ) {
    super(`cannot decrypt ${location}: ${detail}`);
    this.name = 'SecretsError';
  }
}

export interface SecretKeys {
  /** SECRETS_KEY: seals every new value and opens what it sealed. */
  current: string;
  /** SECRETS_KEY_PREVIOUS: still opens values sealed before a rotation. */
  previous?: string;
}

/**
 * Envelope encryption with AES-256-GCM. Each value gets a fresh random data key; the data key is wrapped by
 * the master key. The value is bound to where it is stored (`location`, e.g. `deployments.upstream_secret:dep_…`)
 * as additional authenticated data, so a ciphertext copied to another row or column does not open. Rotating
 * the master key only re-wraps data keys (see rewrap).
 */
export class SecretBox {
  private readonly current: MasterKey;
  private readonly previous: MasterKey | undefined;

  constructor(keys: SecretKeys) {
    this.current = deriveMasterKey(keys.current);
    this.previous = keys.previous === undefined ? undefined : deriveMasterKey(keys.previous);
  }

  /** The id of SECRETS_KEY, as envelopes name it. */
  get currentKeyId(): string {
    return this.current.id;
  }

  /** What every value sealed under SECRETS_KEY starts with. */
  get currentPrefix(): string {
    return `${ENVELOPE_VERSION}.${this.current.id}.`;
  }

  seal(plaintext: string, location: string): string {
    const dataKey = randomBytes(DATA_KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv).setAAD(dataAad(location));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return formatEnvelope({ keyId: this.current.id, wrappedKey: wrap(this.current, dataKey), iv, ciphertext, tag: cipher.getAuthTag() });
  }

  open(value: string, location: string): string {
    const envelope = this.parse(value, location);
    return decrypt(this.dataKey(envelope, location), envelope, location).toString('utf8');
  }

  /**
   * The same value with its data key wrapped by SECRETS_KEY (the ciphertext is kept as it is). The whole value
   * is opened first, so a damaged or misplaced value is reported instead of carried along.
   */
  rewrap(value: string, location: string): string {
    const envelope = this.parse(value, location);
    const dataKey = this.dataKey(envelope, location);
    decrypt(dataKey, envelope, location);
    if (envelope.keyId === this.current.id) return value;
    return formatEnvelope({ ...envelope, keyId: this.current.id, wrappedKey: wrap(this.current, dataKey) });
  }

  private parse(value: string, location: string): Envelope {
    const envelope = parseEnvelope(value);
    if (!envelope) throw new SecretsError('malformed', location, `the stored value is not a sealed secret (${ENVELOPE_VERSION}.…)`);
    return envelope;
  }

  private dataKey(envelope: Envelope, location: string): Buffer {
    const master = [this.current, this.previous].find((key) => key?.id === envelope.keyId);
    if (!master) {
      const known = `SECRETS_KEY is ${this.current.id}, SECRETS_KEY_PREVIOUS ${this.previous ? `is ${this.previous.id}` : 'is not set'}`;
      throw new SecretsError('unknown_key', location, `it was sealed with key ${envelope.keyId}, which is not configured (${known})`);
    }
    const iv = envelope.wrappedKey.subarray(0, IV_BYTES);
    const tag = envelope.wrappedKey.subarray(IV_BYTES + DATA_KEY_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', master.key, iv).setAAD(wrapAad(master.id)).setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(envelope.wrappedKey.subarray(IV_BYTES, IV_BYTES + DATA_KEY_BYTES)), decipher.final()]);
    } catch {
      throw notAuthentic(location);
    }
  }
}

export function secretBoxFromEnv(env: { SECRETS_KEY: string; SECRETS_KEY_PREVIOUS?: string }): SecretBox {
  return new SecretBox({ current: env.SECRETS_KEY, previous: env.SECRETS_KEY_PREVIOUS });
}

function decrypt(dataKey: Buffer, envelope: Envelope, location: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, envelope.iv, { authTagLength: TAG_BYTES }).setAAD(dataAad(location)).setAuthTag(envelope.tag);
  try {
    return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
  } catch {
    throw notAuthentic(location);
  }
}

function wrap(master: MasterKey, dataKey: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master.key, iv).setAAD(wrapAad(master.id));
  return Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
}

const dataAad = (location: string) => Buffer.from(`${ENVELOPE_VERSION}|data|${location}`, 'utf8');
const wrapAad = (keyId: string) => Buffer.from(`${ENVELOPE_VERSION}|key|${keyId}`, 'utf8');
const notAuthentic = (location: string) => new SecretsError('not_authentic', location, 'the value was altered or belongs to another row (authentication failed)');
