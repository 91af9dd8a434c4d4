import { ApiError } from '@gguf/api';
import { notFound } from 'next/navigation';

/** A missing object and another organization's look the same: the not-found page. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') notFound();
    throw error;
  }
}
