import { grantableRoles } from '@farmhand/authz-vocabulary';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { fleetNames } from '../../components/fleet-limit';
import { QueryState } from '../../components/query-state';
import { Button, ConfirmDialog, Section } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import { useFleets } from '../../lib/fleets';
import { formatDate } from '../../lib/format';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { navigate } from '../../lib/router';
import { useOrg, useSession } from '../../lib/session';
import type { Member } from '../../lib/api/views';
import { EditMemberDialog } from './edit-member-dialog';

/** Who is in the organization; change a member's access, remove them, or leave. */
export function MembersSection() {
  const { org, ability, user } = useOrg();
  const { refresh } = useSession();
  const fleets = useFleets();
  const feedback = useFeedback();
  const key = queryKeys.org(org.id).members;
  const members = useQuery({
    queryKey: key,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/members', { params: { path: { orgId: org.id } } })),
  });
  const [editing, setEditing] = useState<Member | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const remove = useApiMutation({
    mutationFn: async (member: Member) => {
      if (member.userId !== user.id) {
        return unwrap(
          client.DELETE('/api/orgs/{orgId}/members/{memberId}', {
            params: { path: { orgId: org.id, memberId: member.id } },
          }),
        );
      }
      await unwrap(client.POST('/api/orgs/{orgId}/leave', { params: { path: { orgId: org.id } } }));
      await refresh();
      navigate('/');
    },
    feedback,
    invalidates: () => [key],
  });
  const mayUpdate = ability.can('update', 'Member');
  const mayDelete = ability.can('delete', 'Member');
  const grantable = grantableRoles(org.role);
  const manageable = (member: Member) =>
    member.userId !== user.id && (member.role !== 'owner' || org.role === 'owner') && grantable.length > 0;

  return (
    <Section title="Members">
      <FeedbackNotice feedback={feedback} />
      <QueryState query={members}>
        {(list) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Role</th>
                  <th scope="col">Fleets</th>
                  <th scope="col">Joined</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((member) => (
                  <tr key={member.id}>
                    <td>
                      <div className="strong">
                        {member.displayName || member.email}
                        {member.userId === user.id && <span className="tag">you</span>}
                      </div>
                      <div className="muted">{member.email}</div>
                    </td>
                    <td className="capitalize">{member.role}</td>
                    <td>{fleetNames(member.fleetIds, fleets.list)}</td>
                    <td>{formatDate(member.createdAt)}</td>
                    <td className="row-actions">
                      {mayUpdate && manageable(member) && (
                        <Button onClick={() => setEditing(member)}>Change access</Button>
                      )}
                      {mayDelete && manageable(member) && (
                        <Button variant="danger" onClick={() => setRemoving(member)}>
                          Remove
                        </Button>
                      )}
                      {member.userId === user.id && (
                        <Button variant="ghost" onClick={() => setRemoving(member)}>
                          Leave
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      {editing && <EditMemberDialog member={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={removing !== null}
        title={
          removing?.userId === user.id ? `Leave ${org.name}?` : `Remove ${removing?.displayName || removing?.email}?`
        }
        confirmLabel={removing?.userId === user.id ? 'Leave organization' : 'Remove member'}
        tone="danger"
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing, { onSettled: () => setRemoving(null) })}
        onCancel={() => setRemoving(null)}
      >
        {removing?.userId === user.id
          ? 'You lose access at once; someone must invite you again to come back.'
          : 'They lose access at once, including open dashboards.'}
      </ConfirmDialog>
    </Section>
  );
}
