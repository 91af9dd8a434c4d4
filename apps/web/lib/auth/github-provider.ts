import GitHubProvider, { type GithubEmail, type GithubProfile } from 'next-auth/providers/github';
import type { ProviderUser } from './provider-user';

type GithubProfileWithEmail = GithubProfile & { verified_email: string | null };

/**
 * The address that may match or create an account: the primary one if verified, else any verified
 * one. next-auth's own GitHub provider takes the primary address whether verified or not.
 */
export function verifiedGithubEmail(emails: readonly GithubEmail[]): string | null {
  return (emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified))?.email ?? null;
}

export function githubProfileToUser(profile: GithubProfileWithEmail): ProviderUser {
  return { id: String(profile.id), name: profile.name ?? profile.login, email: profile.verified_email, emailVerified: profile.verified_email !== null };
}

/** GitHub sign-in that always asks GitHub which addresses are verified (scope user:email). */
export function githubProvider(clientId: string, clientSecret: string) {
  return GitHubProvider<GithubProfileWithEmail>({
    clientId,
    clientSecret,
    userinfo: {
      url: 'https://api.github.com/user',
      async request({ client, tokens }) {
        const profile = await client.userinfo(tokens.access_token!);
        const response = await fetch('https://api.github.com/user/emails', {
          headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/vnd.github+json', 'user-agent': 'gguf-cloud' },
        });
        const emails = response.ok ? ((await response.json()) as GithubEmail[]) : [];
        return { ...profile, verified_email: verifiedGithubEmail(emails) };
      },
    },
    profile: githubProfileToUser,
  });
}
