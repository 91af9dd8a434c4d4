import { listUsers } from '@gguf/api';
import { Badge } from '../../../../components/badge';
import { PageHeader } from '../../../../components/card';
import { EmptyState } from '../../../../components/states';
import { Table, Td } from '../../../../components/table';
import { formatDateTime } from '../../../../lib/dashboard/format';
import { requireAdminScope } from '../../../../lib/dashboard/session';
import { serverContext } from '../../../../lib/server/context';
import { CreateUserForm } from './create-user-form';
import { UserActions } from './user-actions';

export default async function AdminUsersPage() {
  const scope = await requireAdminScope();
  const { data } = await listUsers(serverContext().deps, scope, { limit: 100 });
  return (
    <div className="space-y-6">
      <PageHeader title="Users" description="Everyone with an account on the platform." />
      <CreateUserForm />
      {data.length === 0 ? (
        <EmptyState title="No users yet" />
      ) : (
        <Table head={['Name', 'Email', 'Role', 'Last sign-in', 'Created', '']} caption="Users">
          {data.map((user) => (
            <tr key={user.id}>
              <Td className="font-medium">
                {user.name} {user.id === scope.actor.id ? <Badge>you</Badge> : null}
              </Td>
              <Td>{user.email}</Td>
              <Td>
                <span className="flex gap-1">
                  {user.is_platform_admin ? <Badge tone="blue">platform admin</Badge> : <Badge>user</Badge>}
                  {user.disabled_at ? <Badge tone="red">disabled</Badge> : null}
                </span>
              </Td>
              <Td className="whitespace-nowrap text-zinc-500">{formatDateTime(user.last_login_at)}</Td>
              <Td className="whitespace-nowrap text-zinc-500">{formatDateTime(user.created_at)}</Td>
              <Td className="text-right">
                <UserActions user={user} isSelf={user.id === scope.actor.id} />
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
