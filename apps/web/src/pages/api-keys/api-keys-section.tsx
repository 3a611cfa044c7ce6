import { API_KEY_SCOPES, type ApiKeyScope } from '@farmhand/authz-vocabulary';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { FleetLimitPicker, fleetNames } from '../../components/fleet-limit';
import { Button, ConfirmDialog, EmptyState, Notice, SecretOnce, Section, TextInput } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import { useFleets } from '../../lib/fleets';
import { formatAgo, formatDate } from '../../lib/format';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { ApiKey } from '../../lib/api/views';

/** The slicers' upload-only scope (`/api/slicer/octoprint`, `/api/slicer/moonraker`), shown on its own. */
const SLICER_SCOPE: ApiKeyScope = 'upload:File';

const SCOPE_GROUPS: Array<{ label: string; scopes: ApiKeyScope[]; hint?: string }> = [
  { label: 'Printers', scopes: API_KEY_SCOPES.filter((scope) => scope.endsWith(':Printer')) },
  {
    label: 'Files and jobs',
    scopes: API_KEY_SCOPES.filter((scope) => scope !== SLICER_SCOPE && /:(File|Job)$/.test(scope)),
  },
  {
    label: 'Slicers',
    scopes: [SLICER_SCOPE],
    hint:
      'Upload only, for PrusaSlicer, OrcaSlicer, Bambu Studio and Cura: host URL ' +
      `${window.location.origin}/api/slicer/octoprint (OctoPrint) or ${window.location.origin}/api/slicer/moonraker ` +
      '(Klipper/Moonraker), this key as the API key.',
  },
  { label: 'Other', scopes: API_KEY_SCOPES.filter((scope) => !/:(Printer|File|Job)$/.test(scope)) },
];

/** API keys for automation: scopes, fleets, expiry; the key is shown once; revoke. */
export function ApiKeysSection() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const feedback = useFeedback();
  const key = queryKeys.org(org.id).apiKeys;
  const keys = useQuery({
    queryKey: key,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/api-keys', { params: { path: { orgId: org.id } } })),
  });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['read:Printer']);
  const [fleetIds, setFleetIds] = useState<string[] | null>(org.fleetIds);
  const [expiresAt, setExpiresAt] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  // Expiry is judged as of the page's opening (a key expiring meanwhile shows so on the next visit).
  const [openedAt] = useState(() => Date.now());

  const toggle = (scope: ApiKeyScope) =>
    setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));

  const create = useApiMutation({
    mutationFn: (keyName: string) =>
      unwrap(
        client.POST('/api/orgs/{orgId}/api-keys', {
          params: { path: { orgId: org.id } },
          body: {
            name: keyName,
            scopes,
            fleetIds,
            expiresAt: expiresAt ? new Date(`${expiresAt}T23:59:59`).toISOString() : null,
          },
        }),
      ),
    feedback,
    onSuccess: (result, keyName) => {
      setCreated({ name: keyName, key: result.key });
      setName('');
    },
    invalidates: () => [key],
  });
  const revoke = useApiMutation({
    mutationFn: (apiKey: ApiKey) =>
      unwrap(
        client.DELETE('/api/orgs/{orgId}/api-keys/{keyId}', { params: { path: { orgId: org.id, keyId: apiKey.id } } }),
      ),
    feedback,
    invalidates: () => [key],
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name);
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
      <FeedbackNotice feedback={feedback} inline={['name', 'expiresAt', 'scopes']} />
      {ability.can('create', 'ApiKey') && (
        <form className="form form-grid" onSubmit={submit} noValidate>
          <TextInput
            label="Key name"
            required
            value={name}
            placeholder="e.g. MES integration"
            error={feedback.fieldError('name')}
            onChange={(e) => setName(e.target.value)}
          />
          <TextInput
            label="Expires (optional)"
            type="date"
            value={expiresAt}
            error={feedback.fieldError('expiresAt')}
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
                {group.hint && <p className="muted small">{group.hint}</p>}
              </div>
            ))}
            {feedback.fieldError('scopes') && <p className="field-error">{feedback.fieldError('scopes')}</p>}
          </fieldset>
          <FleetLimitPicker
            fleets={fleets.list}
            value={fleetIds}
            onChange={setFleetIds}
            legend="Fleet access"
            allowed={org.fleetIds}
          />
          <div className="span-2">
            <Button
              type="submit"
              variant="primary"
              busy={create.isPending}
              disabled={!name.trim() || scopes.length === 0}
            >
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
              {keys.data.map((apiKey) => {
                const expired = apiKey.expiresAt !== null && new Date(apiKey.expiresAt).getTime() < openedAt;
                return (
                  <tr key={apiKey.id}>
                    <td className="strong">{apiKey.name}</td>
                    <td className="scopes-cell">
                      {apiKey.scopes.map((scope) => (
                        <span key={scope} className="tag mono">
                          {scope}
                        </span>
                      ))}
                    </td>
                    <td>{fleetNames(apiKey.fleetIds, fleets.list)}</td>
                    <td>{formatAgo(apiKey.lastUsedAt)}</td>
                    <td>
                      {apiKey.revokedAt ? (
                        <span className="status status-muted">Revoked</span>
                      ) : expired ? (
                        <span className="status status-muted">Expired</span>
                      ) : (
                        <span className="status status-ok">
                          Active{apiKey.expiresAt ? ` · until ${formatDate(apiKey.expiresAt)}` : ''}
                        </span>
                      )}
                    </td>
                    <td className="row-actions">
                      {!apiKey.revokedAt && ability.can('delete', 'ApiKey') && (
                        <Button variant="danger" onClick={() => setRevoking(apiKey)}>
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
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking, { onSettled: () => setRevoking(null) })}
        onCancel={() => setRevoking(null)}
      >
        Anything using this key stops working at once.
      </ConfirmDialog>
    </Section>
  );
}
