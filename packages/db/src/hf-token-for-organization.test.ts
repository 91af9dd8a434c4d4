import { newId, SECRET_COLUMNS, SecretBox, SecretsError, secretLocation } from '@gguf/core';
import { createTestDatabase, type TestDatabase, testSecrets } from '@gguf/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hfTokenForOrganization } from './hf-token-for-organization';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function org(settings: { ownToken?: string | ((id: string) => string); platformHfToken?: boolean; deleted?: boolean }): Promise<string> {
  const id = newId('organization');
  const own = typeof settings.ownToken === 'function' ? settings.ownToken(id) : settings.ownToken && testSecrets.seal(settings.ownToken, secretLocation(SECRET_COLUMNS.organizationHfToken, id));
  await t.db.organization.create({
    data: { id, name: id, slug: id.replace('_', '-'), hfTokenSecret: own ?? null, platformHfToken: settings.platformHfToken ?? false, deletedAt: settings.deleted ? new Date() : null },
  });
  return id;
}

describe('hfTokenForOrganization', () => {
  it.each([
    ['its own token, even where the platform token is allowed', { ownToken: 'hf_own', platformHfToken: true }, 'hf_own'],
    ['its own token without the platform token', { ownToken: 'hf_own' }, 'hf_own'],
    ['the platform token where an admin allowed it', { platformHfToken: true }, 'hf_platform'],
    ['no token where the platform token is not allowed', {}, undefined],
    ['no token for a deleted organization', { ownToken: 'hf_own', deleted: true }, undefined],
  ])('gives %s', async (_, settings, expected) => {
    expect(await hfTokenForOrganization(t.db, testSecrets, await org(settings), 'hf_platform')).toBe(expected);
  });

  it('gives no token when the platform has none, and none for an unknown organization', async () => {
    expect(await hfTokenForOrganization(t.db, testSecrets, await org({ platformHfToken: true }), undefined)).toBeUndefined();
    expect(await hfTokenForOrganization(t.db, testSecrets, newId('organization'), 'hf_platform')).toBeUndefined();
  });

  it("refuses another organization's sealed token, or one sealed under another key, without showing it", async () => {
    const copied = await org({ ownToken: () => testSecrets.seal('hf_someone_elses', secretLocation(SECRET_COLUMNS.organizationHfToken, 'org_01other')) });
    const error = await hfTokenForOrganization(t.db, testSecrets, copied, 'hf_platform').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as Error).message).toContain(`organizations.hf_token_secret:${copied}`);
    expect((error as Error).message).not.toContain('hf_someone_elses');
    const own = await org({ ownToken: 'hf_own' });
    await expect(hfTokenForOrganization(t.db, new SecretBox({ current: 'q'.repeat(40) }), own, undefined)).rejects.toThrow(/sealed with key/);
  });
});
