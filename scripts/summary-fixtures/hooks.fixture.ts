import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('a suite whose beforeAll fails', () => {
  beforeAll(() => {
    throw new Error('the hook broke');
  });
  it('never runs', () => expect(1).toBe(1));
  it('never runs either', () => expect(1).toBe(1));
});

describe('a healthy suite', () => {
  it('passes', () => expect(1).toBe(1));
  it('fails', () => expect(1).toBe(2));
  it.skip('is skipped on purpose', () => expect(1).toBe(1));
});

describe('a suite whose afterAll fails', () => {
  afterAll(() => {
    throw new Error('the cleanup broke');
  });
  it('passed before its cleanup broke', () => expect(1).toBe(1));
});
