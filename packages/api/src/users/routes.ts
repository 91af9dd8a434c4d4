import { defineRoute } from '../http/route';
import { idParam } from '../http/shared-route-schemas';
import { named } from '../openapi/components';
import { pageQuery } from '../shared/pagination';
import { createdUser, createUserBody, updateUserBody, user, userList } from './schemas';

// --- admin: users ------------------------------------------------------------------------------

const User = named('User', user);

export const adminCreateUserRoute = defineRoute({
  operationId: 'adminCreateUser',
  method: 'POST',
  path: '/api/v1/admin/users',
  tag: 'Admin: users',
  summary: 'Create a user',
  description: 'Without `password`, one is generated and returned in this response only.',
  auth: 'admin',
  body: named('CreateUserRequest', createUserBody),
  response: named('CreatedUser', createdUser),
  status: 201,
  errors: ['conflict'],
});

export const adminListUsersRoute = defineRoute({
  operationId: 'adminListUsers',
  method: 'GET',
  path: '/api/v1/admin/users',
  tag: 'Admin: users',
  summary: 'List users',
  auth: 'admin',
  query: pageQuery,
  response: named('UserList', userList),
  status: 200,
});

export const adminGetUserRoute = defineRoute({
  operationId: 'adminGetUser',
  method: 'GET',
  path: '/api/v1/admin/users/{id}',
  tag: 'Admin: users',
  summary: 'Get a user',
  auth: 'admin',
  params: idParam,
  response: User,
  status: 200,
});

export const adminUpdateUserRoute = defineRoute({
  operationId: 'adminUpdateUser',
  method: 'PATCH',
  path: '/api/v1/admin/users/{id}',
  tag: 'Admin: users',
  summary: 'Rename, reset the password, disable/enable, or make platform admin',
  auth: 'admin',
  params: idParam,
  body: named('UpdateUserRequest', updateUserBody),
  response: User,
  status: 200,
  errors: ['conflict'],
});
