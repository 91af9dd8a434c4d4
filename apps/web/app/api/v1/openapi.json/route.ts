import { buildOpenApiDocument, openApiRoute } from '@gguf/api';
import { withPublic } from '../../../../lib/api/handler';

export const GET = withPublic(openApiRoute, async ({ request }) => buildOpenApiDocument({ serverUrl: new URL(request.url).origin }));
