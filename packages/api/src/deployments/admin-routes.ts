import { defineRoute } from '../http/route';
import { named } from '../openapi/components';
import { pageQuery } from '../shared/pagination';
import { adminDeploymentList, adminDeploymentsQuery } from './schemas';

// --- admin: deployments across organizations ---------------------------------------------------

export const adminListDeploymentsRoute = defineRoute({
  operationId: 'adminListDeployments',
  method: 'GET',
  path: '/api/v1/admin/deployments',
  tag: 'Admin: deployments',
  summary: 'List deployments across organizations',
  auth: 'admin',
  query: pageQuery.extend(adminDeploymentsQuery.shape),
  response: named('AdminDeploymentList', adminDeploymentList),
  status: 200,
});
