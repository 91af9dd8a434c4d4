import { it } from 'vitest';

// The file fails while loading: its test is never even collected.
throw new Error('this file does not load');

it('is never collected', () => undefined);
