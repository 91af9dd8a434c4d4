import { ApiError, type OrgScope } from '@gguf/api';
import { newId } from '@gguf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitation, findOpenInvitation, signUpInvited } from '../lib/dashboard/invitations';
import { changeMemberRole, listMembers, removeMember } from '../lib/dashboard/members';
import { signUp } from '../lib/dashboard/sign-up';
import { createMailer } from '../lib/server/mailer';
import { type ApiHarness, createApiHarness } from '../lib/testing/api-harness';
import { startTestMailServer } from '../lib/testing/mail-server';
import { setServerContextForTests } from '../lib/server/context';

/** Members and invitations as an organization's owner and admins manage them, on the real database. */
let api: ApiHarness;
let owner: OrgScope;

const scopeOf = (orgId: string, userId: string, role: OrgScope['role']): OrgScope => ({ orgId, role, actor: { type: 'user', id: userId }, requestId: newId('request') });
const tokenOf = (link: string) => link.split('/invite/')[1]!;
const ADDRESS = '10.0.0.17';

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
  await signUpInvited(ADDRESS, tokenOf(link), { name: email, password: 'another-long-password' });
  const user = await api.db.user.findUniqueOrThrow({ where: { email } });
  return scopeOf(owner.orgId, user.id, role);
}

describe('invitations', () => {
  it('turn into a membership with the invited role, once', async () => {
    const { link } = await createInvitation(owner, { email: 'Mia@Example.com', role: 'member' });
    expect(link).toMatch(/^http:\/\/localhost:3000\/invite\/[\w-]{43}$/);
    const token = tokenOf(link);
    expect(await findOpenInvitation(token)).toMatchObject({ email: 'mia@example.com', role: 'member', orgName: 'Olga Inc' });
    await signUpInvited(ADDRESS, token, { name: 'Mia', password: 'another-long-password' });
    expect((await listMembers(owner)).map((m) => [m.email, m.role])).toContainEqual(['mia@example.com', 'member']);
    expect(await findOpenInvitation(token)).toBeNull();
    await expect(signUpInvited(ADDRESS, token, { name: 'Eve', password: 'another-long-password' })).rejects.toThrow('no longer valid');
  });

  it('is emailed to the invitee when a mail server is configured, and still made when it refuses', async () => {
    const mail = await startTestMailServer();
    setServerContextForTests({ ...api.context, mailer: createMailer({ SMTP_URL: mail.url, MAIL_FROM: 'GGUF Cloud <gguf@example.com>' }) });
    try {
      const sent = await createInvitation(owner, { email: 'Lin@Example.com', role: 'admin' });
      expect(sent).toMatchObject({ emailed: true });
      expect(mail.received).toHaveLength(1);
      const [message] = mail.received;
      expect(message).toMatchObject({ from: 'gguf@example.com', to: ['lin@example.com'] });
      expect(message!.body).toContain('Subject: Join Olga Inc on GGUF Cloud');
      // The body is quoted-printable: undo soft line breaks and =XX escapes.
      const text = message!.body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      expect(text).toContain('Olga invited you to join the organization "Olga Inc" on GGUF Cloud as an admin.');
      expect(text).toContain(sent.link);

      mail.refuse = true;
      const refused = await createInvitation(owner, { email: 'kim@example.com', role: 'member' });
      expect(refused).toMatchObject({ emailed: false, emailError: expect.stringContaining('mail server') });
      expect(await findOpenInvitation(tokenOf(refused.link))).toMatchObject({ email: 'kim@example.com' });
    } finally {
      setServerContextForTests(api.context);
      await mail.stop();
    }
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
