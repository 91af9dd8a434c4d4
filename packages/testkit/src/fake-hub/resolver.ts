import { FAKE_HUB_NAMES } from './tls';

/** A DNS stand-in for download tests: fixed answers, and a record of every name asked. */
export interface FakeResolver {
  resolve(hostname: string): Promise<string[]>;
  readonly calls: readonly string[];
}

/**
 * Answers the fake hub's names with 127.0.0.1, plus `answers` (a name's addresses, in order; a
 * function for answers that change between calls, as in DNS rebinding). Any other name is ENOTFOUND.
 */
export function fakeResolver(answers: Record<string, string[] | (() => string[])> = {}): FakeResolver {
  const table: Record<string, string[] | (() => string[])> = { ...Object.fromEntries(FAKE_HUB_NAMES.map((name) => [name, ['127.0.0.1']])), ...answers };
  const calls: string[] = [];
  return {
    calls,
    async resolve(hostname) {
      calls.push(hostname);
      const answer = table[hostname];
      if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
      return typeof answer === 'function' ? answer() : answer;
    },
  };
}
