import type { z } from 'zod';

/** Schemas that appear in the OpenAPI document as named components instead of inline. */
const names = new Map<z.ZodType, string>();

export function named<S extends z.ZodType>(name: string, schema: S): S {
  names.set(schema, name);
  return schema;
}

export function componentName(schema: z.ZodType): string | undefined {
  return names.get(schema);
}
