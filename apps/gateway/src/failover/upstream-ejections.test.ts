import { describe, expect, it } from 'vitest';
import { UpstreamEjections } from './upstream-ejections';

const ORIGIN = 'http://127.0.0.1:9001';

describe('UpstreamEjections', () => {
  it('skips an ejected origin until its time is up, and only that origin', () => {
    const ejections = new UpstreamEjections(5_000);
    expect(ejections.isEjected(ORIGIN, 100, 1_000)).toBe(false);
    expect(ejections.eject(ORIGIN, 100, 1_000)).toBe(true);
    expect(ejections.isEjected(ORIGIN, 100, 5_999)).toBe(true);
    expect(ejections.isEjected('http://127.0.0.1:9002', 100, 2_000)).toBe(false);
    expect(ejections.isEjected(ORIGIN, 100, 6_000)).toBe(false);
  });

  it('lets an origin back at once when its server is ready again (a new ready time)', () => {
    const ejections = new UpstreamEjections(5_000);
    ejections.eject(ORIGIN, 100, 1_000);
    expect(ejections.isEjected(ORIGIN, 2_000, 2_000)).toBe(false);
    // Forgotten: the old ready time does not bring the ejection back.
    expect(ejections.isEjected(ORIGIN, 100, 2_000)).toBe(false);
  });

  it('counts a failure of an origin already ejected as the same ejection, and extends it', () => {
    const ejections = new UpstreamEjections(5_000);
    expect(ejections.eject(ORIGIN, 100, 1_000)).toBe(true);
    expect(ejections.eject(ORIGIN, 100, 3_000)).toBe(false);
    expect(ejections.isEjected(ORIGIN, 100, 7_000)).toBe(true);
  });
});
