'use client';

import type { CurrentOrganizationObject } from '@gguf/api';
import { useState } from 'react';
import { CodeTabs } from '../../../components/code-block';
import { Field, Select } from '../../../components/field';
import { organizationSnippets } from '../../../lib/dashboard/snippets';

/** Client code for the organization endpoint, with the model the user picks filled in. */
export function EndpointSnippets({ endpoint, models }: { endpoint: Pick<CurrentOrganizationObject, 'base_url' | 'openai_base_url'>; models: string[] }) {
  const [model, setModel] = useState(models[0] ?? 'your-model-name');
  return (
    <div className="space-y-4">
      {models.length > 1 ? (
        <div className="sm:max-w-xs">
          <Field id="snippet-model" label="Model in the examples">
            <Select id="snippet-model" value={model} onChange={(e) => setModel(e.target.value)}>
              {models.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      ) : null}
      <CodeTabs snippets={organizationSnippets(endpoint, model)} />
    </div>
  );
}
