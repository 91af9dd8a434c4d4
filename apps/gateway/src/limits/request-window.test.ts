import { describe, expect, it } from 'vitest';
import { RequestWindow } from './request-window';

const MINUTE = 60_000;
const start = 1_000 * MINUTE;

describe('RequestWindow', () => {
  it('counts local requests at once and learns the other instances’ counts from Redis', () => {
    const window = new RequestWindow();
    window.count(start);
    expect(window.used(start)).toBe(1);
    const batch = window.take(start);
    expect(batch.requests).toBe(1);
    expect(window.used(start)).toBe(1);
    window.confirm(batch.minute, batch.requests, 7, 0);
    expect(window.used(start)).toBe(7);
  });

  it('keeps counting requests made while a batch is on its way', () => {
    const window = new RequestWindow();
    window.count(start);
    window.count(start);
    const batch = window.take(start);
    window.count(start);
    expect(window.take(start).requests).toBe(1);
    window.confirm(batch.minute, batch.requests, 2, 0);
    // Redis has confirmed two; the third is still in flight.
    expect(window.used(start)).toBe(3);
  });

  it('keeps a batch Redis could not count as this instance’s own', () => {
    const window = new RequestWindow();
    for (let i = 0; i < 3; i++) window.count(start);
    const batch = window.take(start);
    window.confirm(batch.minute, batch.requests, undefined, undefined);
    expect(window.used(start)).toBe(3);
  });

  it('weighs the previous minute by how much of it is still inside the window', () => {
    const window = new RequestWindow();
    for (let i = 0; i < 10; i++) window.count(start);
    expect(window.used(start + MINUTE)).toBe(10);
    expect(window.used(start + MINUTE + MINUTE / 2)).toBe(5);
    expect(window.used(start + 3 * MINUTE)).toBe(0);
  });

  it('ignores a late reply about a minute that has passed', () => {
    const window = new RequestWindow();
    window.count(start);
    const batch = window.take(start);
    window.count(start + MINUTE);
    window.confirm(batch.minute, batch.requests, 100, 100);
    expect(window.used(start + MINUTE)).toBe(2);
  });
});
