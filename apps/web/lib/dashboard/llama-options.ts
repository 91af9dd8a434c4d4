import { llamaArgs } from '@gguf/core';
import type { z } from 'zod';

/** A llama-server option as a form control needs it: plain data, so it can go to a client component. */
export type LlamaOption =
  | { name: string; kind: 'enum'; values: string[] }
  | { name: string; kind: 'boolean' }
  | { name: string; kind: 'number'; min: number; max: number; integer: boolean };

/** Read from the llamaArgs schema itself, so the form offers exactly what the API accepts. */
export function describeLlamaOptions(): LlamaOption[] {
  return Object.entries(llamaArgs.shape).map(([name, optional]) => {
    const schema = (optional as z.ZodOptional<z.ZodType>).unwrap() as z.ZodType & {
      options?: string[];
      minValue?: number | null;
      maxValue?: number | null;
      isInt?: boolean | null;
    };
    if (schema.def.type === 'enum') return { name, kind: 'enum', values: schema.options ?? [] };
    if (schema.def.type === 'boolean') return { name, kind: 'boolean' };
    return { name, kind: 'number', min: schema.minValue ?? -Infinity, max: schema.maxValue ?? Infinity, integer: schema.isInt === true };
  });
}
