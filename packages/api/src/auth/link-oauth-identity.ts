import { newId, type SignupMode } from '@gguf/core';
import type { User } from '@gguf/db';
import { writeAuditLog } from '../audit/write-audit-log';
import type { ApiDeps } from '../deps';
import { createOrganization } from '../organizations/create-organization';
import { OAuthRefusal } from './oauth-refusal';
import type { AdminScope } from './principal';
import type { SignedInUser } from './authenticate-password';

/** What an identity provider told us about the person signing in. */
export interface OAuthProfile {
  /** next-auth's provider id: "github" or "oidc". */
  provider: string;
  /** The person's stable id at that provider (never their email, which can change hands). */
  providerAccountId: string;
  email: string | null;
  /** Only a verified address may match or create an account: otherwise anyone could claim one. */
  emailVerified: boolean;
  name: string | null;
}

const NAME_MAX = 100;

/**
 * Turns a provider sign-in into one of our users: the linked identity's user; else the user with
 * the same verified email, who gets the identity linked; else, when sign-up is open, a new user
 * (without a password) and an organization they own, as self-service sign-up makes. Disabled users
 * and, in invite mode, strangers are refused with an OAuthRefusal.
 */
export async function linkOAuthIdentity(deps: ApiDeps, profile: OAuthProfile, signupMode: SignupMode): Promise<SignedInUser> {
  const { db } = deps;
  const key = { provider: profile.provider, providerAccountId: profile.providerAccountId };
  const identity = await db.authIdentity.findUnique({ where: { provider_providerAccountId: key }, include: { user: true } });
  if (identity) return signedIn(deps, identity.user);

  const email = profile.email?.trim().toLowerCase();
  if (!email || !profile.emailVerified) throw new OAuthRefusal('email_unverified');
  const system: AdminScope = { actor: { type: 'system', id: null }, requestId: newId('request') };
  const audit = { ...system, orgId: null, targetType: 'user', details: { provider: profile.provider, provider_account_id: profile.providerAccountId } };

  const existing = await db.user.findUnique({ where: { email } });
  if (existing) {
    if (existing.disabledAt) throw new OAuthRefusal('disabled');
    await db.$transaction(async (tx) => {
      await tx.authIdentity.create({ data: { ...key, userId: existing.id } });
      await writeAuditLog(tx, { ...audit, action: 'auth_identity.create', targetId: existing.id });
    });
    return signedIn(deps, existing);
  }

  if (signupMode !== 'open') throw new OAuthRefusal('invite_only');
  const name = (profile.name?.trim() || email.split('@')[0]!).slice(0, NAME_MAX);
  const id = newId('user');
  const created = await db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { id, email, name, isPlatformAdmin: false } });
    await tx.authIdentity.create({ data: { ...key, userId: id } });
    await writeAuditLog(tx, { ...audit, action: 'user.create', targetId: id, details: { ...audit.details, email, platform_admin: false } });
    return user;
  });
  // A separate transaction, as in self-service sign-up: the organization function owns its slug rules.
  await createOrganization(deps, system, { name: `${name.slice(0, NAME_MAX - 15)}'s organization`, owner_user_id: id });
  return signedIn(deps, created);
}

async function signedIn(deps: ApiDeps, user: User): Promise<SignedInUser> {
  if (user.disabledAt) throw new OAuthRefusal('disabled');
  await deps.db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin };
}
