import { API_KEY_SCOPES, ROLES, grantableRoles, type ApiKeyScope, type Role } from '@farmhand/authz-vocabulary';
import { useState, type FormEvent } from 'react';
import { FleetLimitPicker, fleetNames } from '../components/fleet-limit';
import {
  Button,
  ConfirmDialog,
  Dialog,
  EmptyState,
  Notice,
  PageHeader,
  SecretOnce,
  Section,
  SelectInput,
  Spinner,
  TextInput,
} from '../components/ui';
import { api, ApiError, messageOf } from '../lib/api';
import { useFleets } from '../lib/fleets';
import { formatAgo, formatDate } from '../lib/format';
import { navigate } from '../lib/router';
import { useOrg, useSession } from '../lib/session';
import type { ApiKey, Invitation, Member } from '../lib/types';
import { useResource } from '../lib/use-resource';

const ROLE_HELP: Record<Role, string> = {
  owner: 'Everything, including deleting the organization and making owners.',
  admin: 'Manage members, fleets, printers, keys and settings.',
  operator: 'Control printers, run the queue, handle alerts.',
  viewer: 'See printers, jobs and alerts; change nothing.',
};

function EditMemberDialog({ member, onClose, onSaved }: { member: Member; onClose: () => void; onSaved: () => void }) {
  const { org } = useOrg();
  const fleets = useFleets();
  const roles = grantableRoles(org.role);
  const [role, setRole] = useState<Role>(member.role);
  const [fleetIds, setFleetIds] = useState<string[] | null>(member.fleetIds);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.patch(`/api/orgs/${org.id}/members/${member.id}`, { role, fleetIds });
      onSaved();
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Change access for ${member.displayName || member.email}`}
      open
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={busy} onClick={() => void save()}>
            Save
          </Button>
        </>
      }
    >
      {error && <Notice tone="error">{error}</Notice>}
      <SelectInput label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)} hint={ROLE_HELP[role]}>
        {ROLES.map((candidate) => (
          <option key={candidate} value={candidate} disabled={!roles.includes(candidate) && candidate !== member.role}>
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
    </Dialog>
  );
}

function MembersSection() {
  const { org, ability, user } = useOrg();
  const { refresh } = useSession();
  const fleets = useFleets();
  const members = useResource(`members:${org.id}`, () => api.get<Member[]>(`/api/orgs/${org.id}/members`));
  const [editing, setEditing] = useState<Member | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayUpdate = ability.can('update', 'Member');
  const mayDelete = ability.can('delete', 'Member');
  const grantable = grantableRoles(org.role);

  const remove = async (member: Member) => {
    setBusy(true);
    try {
      if (member.userId === user.id) {
        await api.post(`/api/orgs/${org.id}/leave`);
        await refresh();
        navigate('/');
        return;
      }
      await api.delete(`/api/orgs/${org.id}/members/${member.id}`);
      setRemoving(null);
      await members.reload();
    } catch (failure) {
      setRemoving(null);
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const manageable = (member: Member) =>
    member.userId !== user.id && (member.role !== 'owner' || org.role === 'owner') && grantable.length > 0;

  return (
    <Section title="Members">
      {error && <Notice tone="error">{error}</Notice>}
      {members.loading && !members.data ? (
        <Spinner />
      ) : members.error ? (
        <Notice tone="error">{members.error}</Notice>
      ) : (
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
              {members.data?.map((member) => (
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
      {editing && (
        <EditMemberDialog
          member={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void members.reload();
          }}
        />
      )}
      <ConfirmDialog
        open={removing !== null}
        title={
          removing?.userId === user.id ? `Leave ${org.name}?` : `Remove ${removing?.displayName || removing?.email}?`
        }
        confirmLabel={removing?.userId === user.id ? 'Leave organization' : 'Remove member'}
        tone="danger"
        busy={busy}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(null)}
      >
        {removing?.userId === user.id
          ? 'You lose access at once; someone must invite you again to come back.'
          : 'They lose access at once, including open dashboards.'}
      </ConfirmDialog>
    </Section>
  );
}

function InvitationsSection() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const invitations = useResource(`invitations:${org.id}`, () =>
    api.get<Invitation[]>(`/api/orgs/${org.id}/invitations`),
  );
  const roles = grantableRoles(org.role);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('operator') ? 'operator' : (roles.at(-1) ?? 'viewer'));
  const [fleetIds, setFleetIds] = useState<string[] | null>(org.fleetIds);
  const [created, setCreated] = useState<{ email: string; url: string } | null>(null);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const [busy, setBusy] = useState(false);
  const mayCreate = ability.can('create', 'Invitation') && roles.length > 0;

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ url: string }>(`/api/orgs/${org.id}/invitations`, { email, role, fleetIds });
      setCreated({ email, url: result.url });
      setEmail('');
      await invitations.reload();
    } catch (failure) {
      setError({ message: messageOf(failure), field: failure instanceof ApiError ? failure.field : undefined });
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (invitation: Invitation) => {
    setBusy(true);
    try {
      await api.delete(`/api/orgs/${org.id}/invitations/${invitation.id}`);
      await invitations.reload();
    } catch (failure) {
      setError({ message: messageOf(failure) });
    } finally {
      setRevoking(null);
      setBusy(false);
    }
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
      {mayCreate && (
        <form className="form form-grid" onSubmit={(event) => void create(event)} noValidate>
          {error && !error.field && <Notice tone="error">{error.message}</Notice>}
          <TextInput
            label="Email"
            type="email"
            required
            value={email}
            error={error?.field === 'email' ? error.message : null}
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
            <Button type="submit" variant="primary" busy={busy} disabled={!email.trim()}>
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
        busy={busy}
        onConfirm={() => revoking && void revoke(revoking)}
        onCancel={() => setRevoking(null)}
      >
        The link stops working at once.
      </ConfirmDialog>
    </Section>
  );
}

const SCOPE_GROUPS: Array<{ label: string; scopes: ApiKeyScope[] }> = [
  { label: 'Printers', scopes: API_KEY_SCOPES.filter((scope) => scope.endsWith(':Printer')) },
  { label: 'Files and jobs', scopes: API_KEY_SCOPES.filter((scope) => /:(File|Job)$/.test(scope)) },
  { label: 'Other', scopes: API_KEY_SCOPES.filter((scope) => !/:(Printer|File|Job)$/.test(scope)) },
];

function ApiKeysSection() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const keys = useResource(`keys:${org.id}`, () => api.get<ApiKey[]>(`/api/orgs/${org.id}/api-keys`));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['read:Printer']);
  const [fleetIds, setFleetIds] = useState<string[] | null>(org.fleetIds);
  const [expiresAt, setExpiresAt] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (scope: ApiKeyScope) =>
    setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ key: string }>(`/api/orgs/${org.id}/api-keys`, {
        name,
        scopes,
        fleetIds,
        expiresAt: expiresAt ? new Date(`${expiresAt}T23:59:59`).toISOString() : null,
      });
      setCreated({ name, key: result.key });
      setName('');
      await keys.reload();
    } catch (failure) {
      setError({ message: messageOf(failure), field: failure instanceof ApiError ? failure.field : undefined });
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: ApiKey) => {
    setBusy(true);
    try {
      await api.delete(`/api/orgs/${org.id}/api-keys/${key.id}`);
      await keys.reload();
    } catch (failure) {
      setError({ message: messageOf(failure) });
    } finally {
      setRevoking(null);
      setBusy(false);
    }
  };

  return (
    <Section title="API keys">
      {created && (
        <Notice tone="success">
          <SecretOnce
            label={`API key “${created.name}”`}
            value={created.key}
            note="Shown only now. Store it in your automation's secret store."
          />
          <Button variant="ghost" onClick={() => setCreated(null)}>
            Done
          </Button>
        </Notice>
      )}
      {ability.can('create', 'ApiKey') && (
        <form className="form form-grid" onSubmit={(event) => void create(event)} noValidate>
          {error && !error.field && <Notice tone="error">{error.message}</Notice>}
          <TextInput
            label="Key name"
            required
            value={name}
            placeholder="e.g. MES integration"
            error={error?.field === 'name' ? error.message : null}
            onChange={(e) => setName(e.target.value)}
          />
          <TextInput
            label="Expires (optional)"
            type="date"
            value={expiresAt}
            error={error?.field === 'expiresAt' ? error.message : null}
            onChange={(e) => setExpiresAt(e.target.value)}
          />
          <fieldset className="fieldset span-2">
            <legend>Scopes</legend>
            {SCOPE_GROUPS.map((group) => (
              <div key={group.label} className="scope-group">
                <span className="scope-group-label">{group.label}</span>
                <div className="checkbox-grid">
                  {group.scopes.map((scope) => (
                    <label key={scope} className="mono-label">
                      <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} />
                      {scope}
                    </label>
                  ))}
                </div>
              </div>
            ))}
            {error?.field === 'scopes' && <p className="field-error">{error.message}</p>}
          </fieldset>
          <FleetLimitPicker
            fleets={fleets.list}
            value={fleetIds}
            onChange={setFleetIds}
            legend="Fleet access"
            allowed={org.fleetIds}
          />
          <div className="span-2">
            <Button type="submit" variant="primary" busy={busy} disabled={!name.trim() || scopes.length === 0}>
              Create API key
            </Button>
          </div>
        </form>
      )}
      {keys.data && keys.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Fleets</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => {
                const expired = key.expiresAt !== null && new Date(key.expiresAt).getTime() < Date.now();
                return (
                  <tr key={key.id}>
                    <td className="strong">{key.name}</td>
                    <td className="scopes-cell">
                      {key.scopes.map((scope) => (
                        <span key={scope} className="tag mono">
                          {scope}
                        </span>
                      ))}
                    </td>
                    <td>{fleetNames(key.fleetIds, fleets.list)}</td>
                    <td>{formatAgo(key.lastUsedAt)}</td>
                    <td>
                      {key.revokedAt ? (
                        <span className="status status-muted">Revoked</span>
                      ) : expired ? (
                        <span className="status status-muted">Expired</span>
                      ) : (
                        <span className="status status-ok">
                          Active{key.expiresAt ? ` · until ${formatDate(key.expiresAt)}` : ''}
                        </span>
                      )}
                    </td>
                    <td className="row-actions">
                      {!key.revokedAt && ability.can('delete', 'ApiKey') && (
                        <Button variant="danger" onClick={() => setRevoking(key)}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        keys.data && <EmptyState title="No API keys" />
      )}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name}”?`}
        confirmLabel="Revoke key"
        tone="danger"
        busy={busy}
        onConfirm={() => revoking && void revoke(revoking)}
        onCancel={() => setRevoking(null)}
      >
        Anything using this key stops working at once.
      </ConfirmDialog>
    </Section>
  );
}

export function TeamPage() {
  const { org, ability } = useOrg();
  return (
    <div className="page">
      <PageHeader title="Team" subtitle={`Who can do what in ${org.name}.`} />
      <MembersSection />
      {ability.can('read', 'Invitation') && <InvitationsSection />}
      {ability.can('read', 'ApiKey') && <ApiKeysSection />}
    </div>
  );
}
