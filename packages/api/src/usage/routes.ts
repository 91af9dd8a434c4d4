import { defineRoute } from '../http/route';
import { named } from '../openapi/components';
import { usageQuery, usageReport } from './schemas';

// --- tenant: usage -----------------------------------------------------------------------------

export const getUsageRoute = defineRoute({
  operationId: 'getUsage',
  method: 'GET',
  path: '/api/v1/usage',
  tag: 'Usage',
  summary: 'Requests and tokens by hour or day',
  description:
    'Defaults: the last 30 days by day, or the last 24 hours by hour. At most 366 days by day or 31 days by hour. Filter by `deployment_id`, `api_key_id` or `model_name`; `group_by` adds the totals per deployment, key or model name.',
  auth: 'org',
  query: usageQuery,
  response: named('UsageReport', usageReport),
  status: 200,
  errors: ['not_found'],
});
