import { ApiError, type OrgScope } from '@gguf/api';
import { newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitation, findOpenInvitation, signUpInvited } from '../lib/dashboard/invitations';
import { changeMemberRole, listMembers, removeMember } from '../lib/dashboard/members';
import { signUp } from '../lib/dashboard/sign-up';
import { type ApiHarness, createApiHarness } from '../lib/testing/api-harness';

/** Members and invitations as an organization's owner and admins manage them, on the real database. */
let api: ApiHarness;
let owner: OrgScope;

const scopeOf = (orgId: string, userId: string, role: OrgScope['role']): OrgScope => ({ orgId, role, actor: { type: 'user', id: userId }, requestId: newId('request') });
const tokenOf = (link: string) => link.split('/invite/')[1]!;

beforeAll(async () => {
  api = await createApiHarness();
  const { userId, orgId } = await signUp({ name: 'Olga', email: 'olga@example.com', password: 'a-long-enough-password', organization: 'Olga Inc' });
  owner = scopeOf(orgId, userId, 'owner');
});

afterAll(async () => {
  await api?.close();
});

async function invite(email: string, role: 'admin' | 'member') {
  const { link } = await createInvitation(owner, { email, role });
  await signUpInvited(tokenOf(link), { name: email, password: 'another-long-password' });
  const user = await api.db.user.findUniqueOrThrow({ where: { email } });
  return scopeOf(owner.orgId, user.id, role);
}

describe('invitations', () => {
  it('turn into a membership with the invited role, once', async () => {
    const { link } = await createInvitation(owner, { email: 'Mia@Example.com', role: 'member' });
    expect(link).toMatch(/^http:\/\/localhost:3000\/invite\/[\w-]{43}$/);
    const token = tokenOf(link);
    expect(await findOpenInvitation(token)).toMatchObject({ email: 'mia@example.com', role: 'member', orgName: 'Olga Inc' });
    await signUpInvited(token, { name: 'Mia', password: 'another-long-password' });
    expect((await listMembers(owner)).map((m) => [m.email, m.role])).toContainEqual(['mia@example.com', 'member']);
    expect(await findOpenInvitation(token)).toBeNull();
    await expect(signUpInvited(token, { name: 'Eve', password: 'another-long-password' })).rejects.toThrow('no longer valid');
  });

  it('cannot be made by a plain member', async () => {
    const member = await invite('max@example.com', 'member');
    await expect(createInvitation(member, { email: 'x@example.com', role: 'member' })).rejects.toThrow(ApiError);
  });
});

describe('roles', () => {
  it('keep at least one owner, and only owners touch ownership', async () => {
    await expect(changeMemberRole(owner, owner.actor.id!, 'admin')).rejects.toThrow('at least one owner');
    await expect(removeMember(owner, owner.actor.id!)).rejects.toThrow('at least one owner');
    const admin = await invite('ada@example.com', 'admin');
    const member = await invite('mo@example.com', 'member');
    await expect(changeMemberRole(admin, member.actor.id!, 'owner')).rejects.toThrow('Only an owner');
    await changeMemberRole(admin, member.actor.id!, 'admin');
    await removeMember(admin, member.actor.id!);
    expect((await listMembers(owner)).map((m) => m.email)).not.toContain('mo@example.com');
  });
});
