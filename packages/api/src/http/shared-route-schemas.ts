import { z } from 'zod';
import { createApiKeyBody, createdApiKey } from '../api-keys/schemas';
import { named } from '../openapi/components';
import { pathParam } from '../shared/fields';

// Route parts that several domains' route specs share, each defined once.

export const idParam = z.object({ id: pathParam });
export const deleted = named('Deleted', z.object({ id: z.string(), deleted: z.literal(true) }));

// A tenant creates its own keys; an admin creates an organization's first one.
export const CreateApiKeyRequest = named('CreateApiKeyRequest', createApiKeyBody);
export const CreatedApiKey = named('CreatedApiKey', createdApiKey);
