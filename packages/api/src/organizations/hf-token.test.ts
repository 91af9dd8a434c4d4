import { hfTokenForOrganization } from '@gguf/db';
import { newId, SECRET_COLUMNS, secretLocation } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgScope } from '../auth/principal';
import { ApiError } from '../errors/api-error';
import { createTestDeps } from '../testing/test-deps';
import { clearHfToken } from './clear-hf-token';
import { createOrganization } from './create-organization';
import { getHfTokenSetting } from './get-hf-token-setting';
import { putHfTokenBody } from './schemas';
import { setHfToken } from './set-hf-token';
import { updateOrganization } from './update-organization';

let t: Awaited<ReturnType<typeof createTestDeps>>;
let orgId: string;
const as = (role: OrgScope['role']): OrgScope => ({ orgId, role, actor: { type: 'user', id: newId('user') }, requestId: newId('request') });
const TOKEN = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345';

beforeAll(async () => {
  t = await createTestDeps();
  orgId = (await createOrganization(t.deps, t.system, { name: 'Tokens' })).id;
});
afterAll(() => t.close());

describe("an organization's own Hugging Face token", () => {
  it('is set by an owner or admin, sealed to the organization, never returned, and audited without the value', async () => {
    expect(await getHfTokenSetting(t.deps, as('member'))).toEqual({ hf_token_set: false, platform_hf_token: false });
    const answer = await setHfToken(t.deps, as('admin'), putHfTokenBody.parse({ token: `  ${TOKEN}\n` }));
    expect(answer).toEqual({ hf_token_set: true, platform_hf_token: false });

    const row = await t.db.organization.findUniqueOrThrow({ where: { id: orgId } });
    expect(row.hfTokenSecret).toMatch(/^gse1\./);
    expect(t.deps.secrets.open(row.hfTokenSecret!, secretLocation(SECRET_COLUMNS.organizationHfToken, orgId))).toBe(TOKEN);
    expect(await hfTokenForOrganization(t.db, t.deps.secrets, orgId, 'hf_platform')).toBe(TOKEN);

    await setHfToken(t.deps, as('owner'), { token: `${TOKEN}-2` });
    const audit = await t.db.auditLog.findMany({ where: { targetId: orgId, action: { startsWith: 'organization.hf_token' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.details])).toEqual([
      ['organization.hf_token.set', { replaced: false }],
      ['organization.hf_token.set', { replaced: true }],
    ]);
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(TOKEN);
  });

  it('is refused to members, and changes nothing', async () => {
    for (const change of [() => setHfToken(t.deps, as('member'), { token: 'hf_membertoken' }), () => clearHfToken(t.deps, as('member'))]) {
      const error = await change().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('permission_denied');
    }
    expect(await hfTokenForOrganization(t.db, t.deps.secrets, orgId, undefined)).toBe(`${TOKEN}-2`);
  });

  it('is cleared; the platform token then serves the organization only once an admin allows it', async () => {
    expect(await clearHfToken(t.deps, as('owner'))).toEqual({ hf_token_set: false, platform_hf_token: false });
    expect(await clearHfToken(t.deps, as('owner'))).toEqual({ hf_token_set: false, platform_hf_token: false });
    expect(await t.db.auditLog.count({ where: { targetId: orgId, action: 'organization.hf_token.clear' } })).toBe(1);
    expect(await hfTokenForOrganization(t.db, t.deps.secrets, orgId, 'hf_platform')).toBeUndefined();

    const org = await updateOrganization(t.deps, t.system, orgId, { platform_hf_token: true });
    expect(org).toMatchObject({ platform_hf_token: true, hf_token_set: false });
    expect(await getHfTokenSetting(t.deps, as('member'))).toEqual({ hf_token_set: false, platform_hf_token: true });
    expect(await hfTokenForOrganization(t.db, t.deps.secrets, orgId, 'hf_platform')).toBe('hf_platform');
  });

  it.each([
    ['too short', 'hf_x'],
    ['with a space inside', 'hf_abc defghij'],
    ['with a NUL', 'hf_abcdefgh\u0000'],
    ['non-ASCII', 'hf_abcdéfghij'],
    ['too long', `hf_${'a'.repeat(600)}`],
  ])('refuses a token %s', (_, token) => {
    const parsed = putHfTokenBody.safeParse({ token });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['token']);
  });
});
