import { Badge } from '../../../components/badge';
import { PageHeader } from '../../../components/card';
import { ConfirmButton } from '../../../components/confirm-button';
import { Table, Td } from '../../../components/table';
import { formatDateTime } from '../../../lib/dashboard/format';
import { listMembers } from '../../../lib/dashboard/members';
import { requireOrgScope } from '../../../lib/dashboard/session';
import { removeMemberAction } from './actions';
import { InviteForm } from './invite-form';
import { RoleSelect } from './role-select';

export default async function MembersPage() {
  const scope = await requireOrgScope();
  const members = await listMembers(scope);
  const canManage = scope.role !== 'member';
  return (
    <div className="space-y-6">
      <PageHeader title="Members" description="People in this organization. Owners and admins manage keys and members; members manage deployments." />
      {canManage ? <InviteForm /> : null}
      <Table head={['Name', 'Email', 'Role', 'Joined', '']} caption="Members">
        {members.map((m) => (
          <tr key={m.user_id}>
            <Td className="font-medium">
              {m.name} {m.user_id === scope.actor.id ? <Badge>you</Badge> : null}
            </Td>
            <Td>{m.email}</Td>
            <Td>{canManage ? <RoleSelect userId={m.user_id} role={m.role} label={`Role of ${m.email}`} /> : m.role}</Td>
            <Td className="whitespace-nowrap text-zinc-500">{formatDateTime(m.created_at)}</Td>
            <Td className="text-right">
              {canManage ? (
                <ConfirmButton
                  label="Remove"
                  title={`Remove ${m.email}?`}
                  body="They lose access to this organization's deployments, keys and usage at once."
                  confirmLabel="Remove member"
                  variant="danger"
                  action={removeMemberAction.bind(null, m.user_id)}
                />
              ) : null}
            </Td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
