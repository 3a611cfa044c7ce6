import { grantableRoles, type Role } from '@farmhand/authz-vocabulary';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { FleetLimitPicker, fleetNames } from '../../components/fleet-limit';
import {
  Button,
  ConfirmDialog,
  EmptyState,
  Notice,
  SecretOnce,
  Section,
  SelectInput,
  TextInput,
} from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import { useFleets } from '../../lib/fleets';
import { formatAgo } from '../../lib/format';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { Invitation } from '../../lib/api/views';
import { ROLE_HELP } from './roles';

/** Invite by email with a role and fleets (the link is shown once), list pending invitations, revoke. */
export function InvitationsSection() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const feedback = useFeedback();
  const key = queryKeys.org(org.id).invitations;
  const invitations = useQuery({
    queryKey: key,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/invitations', { params: { path: { orgId: org.id } } })),
  });
  const roles = grantableRoles(org.role);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('operator') ? 'operator' : (roles.at(-1) ?? 'viewer'));
  const [fleetIds, setFleetIds] = useState<string[] | null>(org.fleetIds);
  const [created, setCreated] = useState<{ email: string; url: string } | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const mayCreate = ability.can('create', 'Invitation') && roles.length > 0;

  const create = useApiMutation({
    mutationFn: (invited: string) =>
      unwrap(
        client.POST('/api/orgs/{orgId}/invitations', {
          params: { path: { orgId: org.id } },
          body: { email: invited, role, fleetIds },
        }),
      ),
    feedback,
    onSuccess: (result, invited) => {
      setCreated({ email: invited, url: result.url });
      setEmail('');
    },
    invalidates: () => [key],
  });
  const revoke = useApiMutation({
    mutationFn: (invitation: Invitation) =>
      unwrap(
        client.DELETE('/api/orgs/{orgId}/invitations/{invitationId}', {
          params: { path: { orgId: org.id, invitationId: invitation.id } },
        }),
      ),
    feedback,
    invalidates: () => [key],
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(email);
  };

  return (
    <Section title="Invitations">
      {created && (
        <Notice tone="success">
          <SecretOnce
            label={`Invitation link for ${created.email}`}
            value={created.url}
            note="Send this link to them. It is shown only now, works once, and expires."
          />
          <Button variant="ghost" onClick={() => setCreated(null)}>
            Done
          </Button>
        </Notice>
      )}
      <FeedbackNotice feedback={feedback} inline={['email']} />
      {mayCreate && (
        <form className="form form-grid" onSubmit={submit} noValidate>
          <TextInput
            label="Email"
            type="email"
            required
            value={email}
            error={feedback.fieldError('email')}
            onChange={(e) => setEmail(e.target.value)}
          />
          <SelectInput
            label="Role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            hint={ROLE_HELP[role]}
          >
            {roles.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </SelectInput>
          <FleetLimitPicker
            fleets={fleets.list}
            value={fleetIds}
            onChange={setFleetIds}
            legend="Fleet access"
            allowed={org.fleetIds}
          />
          <div className="span-2">
            <Button type="submit" variant="primary" busy={create.isPending} disabled={!email.trim()}>
              Create invitation
            </Button>
          </div>
        </form>
      )}
      {invitations.data && invitations.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Fleets</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.map((invitation) => (
                <tr key={invitation.id}>
                  <td>{invitation.email}</td>
                  <td className="capitalize">{invitation.role}</td>
                  <td>{fleetNames(invitation.fleetIds, fleets.list)}</td>
                  <td>{formatAgo(invitation.expiresAt)}</td>
                  <td className="row-actions">
                    {ability.can('delete', 'Invitation') && (
                      <Button variant="danger" onClick={() => setRevoking(invitation)}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        invitations.data && <EmptyState title="No pending invitations" />
      )}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke the invitation for ${revoking?.email}?`}
        confirmLabel="Revoke invitation"
        tone="danger"
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking, { onSettled: () => setRevoking(null) })}
        onCancel={() => setRevoking(null)}
      >
        The link stops working at once.
      </ConfirmDialog>
    </Section>
  );
}
