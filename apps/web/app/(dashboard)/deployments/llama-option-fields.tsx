'use client';

import { Field, Input, Select } from '../../../components/field';
import type { LlamaOption } from '../../../lib/dashboard/llama-options';

/** One control per allowed llama-server option, typed as the schema types it. */
export function LlamaOptionFields({
  options,
  values,
  errors,
  onChange,
}: {
  options: LlamaOption[];
  values: Record<string, string>;
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {options.map((option) => {
        const id = `llama_args.${option.name}`;
        const value = values[option.name] ?? '';
        const hint = option.kind === 'number' ? `${option.integer ? 'Whole number' : 'Number'} from ${option.min} to ${option.max}` : undefined;
        return (
          <Field key={option.name} id={id} label={option.name} error={errors[id]} hint={hint}>
            {option.kind === 'number' ? (
              <Input id={id} inputMode="decimal" value={value} invalid={Boolean(errors[id])} onChange={(e) => onChange(option.name, e.target.value)} />
            ) : (
              <Select id={id} value={value} onChange={(e) => onChange(option.name, e.target.value)}>
                <option value="">default</option>
                {(option.kind === 'boolean' ? ['true', 'false'] : option.values).map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        );
      })}
    </div>
  );
}
