import { type IdKind, isId } from '@gguf/core';
import { z } from 'zod';

/** Request field helpers, so every endpoint words the same mistake the same way. */
export const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const idOf = (kind: IdKind) => z.string().refine((value) => isId(kind, value), `must be a ${kind} id`);

export const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z' });

export const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
