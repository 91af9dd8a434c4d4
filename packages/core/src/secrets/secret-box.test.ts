import { describe, expect, it } from 'vitest';
import { looksSealed, SECRET_COLUMNS, SecretBox, secretBoxFromEnv, SecretsError, secretLocation } from './index';

const OLD = 'old-secrets-key-0123456789abcdef0123456789';
const NEW = 'new-secrets-key-0123456789abcdef0123456789';
const HERE = secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, 'dep_01here');
const PLAINTEXT = 'upstream-secret-value-Zm9v';

function failure(fn: () => unknown): SecretsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SecretsError) return error;
    throw error;
  }
  throw new Error('expected a SecretsError');
}

/** Changes one character of part `index` (0 = version … 5 = tag) to another base64url character. */
function alterPart(value: string, index: number): string {
  const parts = value.split('.');
  const part = parts[index]!;
  const at = Math.floor(part.length / 2);
  parts[index] = part.slice(0, at) + (part[at] === 'A' ? 'B' : 'A') + part.slice(at + 1);
  return parts.join('.');
}

describe('SecretBox', () => {
  const box = new SecretBox({ current: NEW });

  it.each([
    ['a short secret', PLAINTEXT],
    ['an empty string', ''],
    ['unicode', 'clé 🔑 ключ'],
    ['a PEM bundle', JSON.stringify({ ca: '-----BEGIN CERTIFICATE-----\n…', key: '-----BEGIN PRIVATE KEY-----\n' + 'k'.repeat(3000) })],
  ])('round-trips %s', (_, plaintext) => {
    const sealed = box.seal(plaintext, HERE);
    expect(sealed).toMatch(/^gse1\.[\w-]{8}(\.[\w-]+){2}\.[\w-]*\.[\w-]+$/);
    expect(sealed).not.toContain(plaintext || '\u0000');
    expect(box.open(sealed, HERE)).toBe(plaintext);
  });

  it('uses a fresh data key and IV for every value', () => {
    const [a, b] = [box.seal(PLAINTEXT, HERE), box.seal(PLAINTEXT, HERE)];
    expect(a).not.toBe(b);
    expect(a.split('.').slice(2, 4)).not.toEqual(b.split('.').slice(2, 4));
    expect(a.split('.')[1]).toBe(box.currentKeyId);
  });

  it('derives the same key id from the same SECRETS_KEY, and another from another', () => {
    expect(new SecretBox({ current: NEW }).currentKeyId).toBe(box.currentKeyId);
    expect(new SecretBox({ current: OLD }).currentKeyId).not.toBe(box.currentKeyId);
  });

  const sealed = box.seal(PLAINTEXT, HERE);
  it.each([
    ['the wrapped data key', alterPart(sealed, 2), 'not_authentic'],
    ['the IV', alterPart(sealed, 3), 'not_authentic'],
    ['the ciphertext', alterPart(sealed, 4), 'not_authentic'],
    ['the tag', alterPart(sealed, 5), 'not_authentic'],
    ['the key id', alterPart(sealed, 1), 'unknown_key'],
    ['the version', sealed.replace(/^gse1/, 'gse2'), 'malformed'],
    ['a part cut short', sealed.slice(0, -4), 'malformed'],
    ['a missing part', sealed.split('.').slice(0, 5).join('.'), 'malformed'],
    ['padding added', `${sealed}=`, 'malformed'],
    ['a plaintext value', PLAINTEXT, 'malformed'],
  ])('refuses a value with %s altered', (_, value, reason) => {
    const error = failure(() => box.open(value, HERE));
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(/^cannot decrypt deployments\.upstream_secret:dep_01here: /);
    expect(error.message).not.toContain(PLAINTEXT);
  });

  it.each([
    ['another row', secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, 'dep_01other')],
    ['another column', secretLocation(SECRET_COLUMNS.organizationHfToken, 'dep_01here')],
    ['another table', secretLocation(SECRET_COLUMNS.nodeDockerTls, 'dep_01here')],
  ])('does not open where it was not sealed: %s', (_, elsewhere) => {
    const error = failure(() => box.open(sealed, elsewhere));
    expect(error.reason).toBe('not_authentic');
    expect(error.message).toContain(elsewhere);
  });

  it('cannot be opened with another SECRETS_KEY, and says which keys it has', () => {
    const other = new SecretBox({ current: OLD });
    const error = failure(() => other.open(sealed, HERE));
    expect(error.reason).toBe('unknown_key');
    expect(error.message).toContain(`sealed with key ${box.currentKeyId}`);
    expect(error.message).toContain(`SECRETS_KEY is ${other.currentKeyId}, SECRETS_KEY_PREVIOUS is not set`);
    expect(error.message).not.toContain(PLAINTEXT);
    expect(error.message).not.toContain(OLD);
  });

  it('refuses a wrapped key forged under an id it knows but with another key material', () => {
    // An attacker who knows only the id cannot produce a data key the real master key unwraps.
    const forged = new SecretBox({ current: OLD }).seal(PLAINTEXT, HERE).split('.');
    forged[1] = box.currentKeyId;
    expect(failure(() => box.open(forged.join('.'), HERE)).reason).toBe('not_authentic');
  });
});

describe('rotation', () => {
  const before = new SecretBox({ current: OLD });
  const during = new SecretBox({ current: NEW, previous: OLD });
  const after = new SecretBox({ current: NEW });
  const old = before.seal(PLAINTEXT, HERE);

  it('opens values sealed with SECRETS_KEY_PREVIOUS and seals new ones with SECRETS_KEY', () => {
    expect(during.open(old, HERE)).toBe(PLAINTEXT);
    expect(during.seal(PLAINTEXT, HERE).split('.')[1]).toBe(after.currentKeyId);
  });

  it('re-wraps only the data key, so the new key alone opens the value', () => {
    expect(old.split('.')[1]).toBe(before.currentKeyId);
    const rewrapped = during.rewrap(old, HERE);
    expect(rewrapped.split('.')[1]).toBe(after.currentKeyId);
    expect(rewrapped.split('.').slice(3)).toEqual(old.split('.').slice(3));
    expect(after.open(rewrapped, HERE)).toBe(PLAINTEXT);
    expect(failure(() => after.open(old, HERE)).reason).toBe('unknown_key');
  });

  it('leaves a value already under SECRETS_KEY as it is', () => {
    const current = during.seal(PLAINTEXT, HERE);
    expect(during.rewrap(current, HERE)).toBe(current);
  });

  it('refuses to re-wrap a value that does not open where it is stored', () => {
    expect(failure(() => during.rewrap(old, secretLocation(SECRET_COLUMNS.deploymentUpstreamSecret, 'dep_01other'))).reason).toBe('not_authentic');
    expect(failure(() => during.rewrap(alterPart(old, 4), HERE)).reason).toBe('not_authentic');
  });

  it('is built from the environment variables', () => {
    expect(secretBoxFromEnv({ SECRETS_KEY: NEW, SECRETS_KEY_PREVIOUS: OLD }).open(old, HERE)).toBe(PLAINTEXT);
  });
});

describe('looksSealed', () => {
  it.each([
    ['an envelope', new SecretBox({ current: NEW }).seal('x', HERE), true],
    ['a damaged envelope', 'gse1.broken', true],
    ['a later format', 'gse2.whatever', true],
    ['a random upstream secret', 'Zm9vYmFyYmF6cXV4cXV1eHh5enp5', false],
    ['TLS JSON', '{"ca":"…"}', false],
    ['a Hugging Face token', 'hf_abcdefghijklmnop', false],
  ])('%s → %s', (_, value, expected) => {
    expect(looksSealed(value)).toBe(expected);
  });
});
