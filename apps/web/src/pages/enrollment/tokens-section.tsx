import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, ConfirmDialog, Notice, SecretOnce, Section, SelectInput, TextInput } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import { useFleets } from '../../lib/fleets';
import { formatAgo, formatDate } from '../../lib/format';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { EnrollmentTokenView, Schema } from '../../lib/api/views';
import { useEnrollableFleets } from './enrollable-fleets';

const FIELDS = ['fleetId', 'uses', 'expiresInHours', 'printerName'];

/** Admin enrollment tokens: create one (shown once, with the agent command), list the usable ones, revoke. */
export function TokensSection() {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const enrollable = useEnrollableFleets();
  const feedback = useFeedback();
  const key = queryKeys.org(org.id).enrollmentTokens;
  const tokens = useQuery({
    queryKey: key,
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/enrollment/tokens', {
          params: {
            path: { orgId: org.id },
            query: { status: 'usable', source: 'admin', limit: 200 },
          },
        }),
      ),
  });
  const [draft, setDraft] = useState({ fleetId: '', uses: '1', expiresInHours: '24', printerName: '' });
  const [issued, setIssued] = useState<Pick<Schema<'CreatedEnrollmentTokenDto'>, 'token' | 'agentCommand'> | null>(
    null,
  );
  const [revoking, setRevoking] = useState<EnrollmentTokenView | null>(null);
  const fleetId = draft.fleetId || enrollable[0]?.id || '';
  const mayCreate = ability.can('create', 'EnrollmentToken') && enrollable.length > 0;
  const mayRevoke = ability.can('delete', 'EnrollmentToken');

  const create = useApiMutation({
    mutationFn: () =>
      unwrap(
        client.POST('/api/orgs/{orgId}/enrollment/tokens', {
          params: { path: { orgId: org.id } },
          body: {
            fleetId,
            uses: Number(draft.uses),
            expiresInHours: Number(draft.expiresInHours),
            ...(draft.printerName.trim() ? { printerName: draft.printerName.trim() } : {}),
          },
        }),
      ),
    feedback,
    onSuccess: (created) => setIssued({ token: created.token, agentCommand: created.agentCommand }),
    invalidates: () => [key],
  });
  const revoke = useApiMutation({
    mutationFn: (token: EnrollmentTokenView) =>
      unwrap(
        client.DELETE('/api/orgs/{orgId}/enrollment/tokens/{tokenId}', {
          params: { path: { orgId: org.id, tokenId: token.id } },
        }),
      ),
    feedback,
    invalidates: () => [key],
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const set = (field: keyof typeof draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  return (
    <Section title="Enrollment tokens">
      <p className="muted">
        A token lets agents enroll printers into a fleet without a code: <code>farmhand-agent enroll --token …</code>.
      </p>
      <FeedbackNotice feedback={feedback} inline={FIELDS} />
      {issued && (
        <Notice tone="success">
          <SecretOnce label="New enrollment token" value={issued.token} />
          <SecretOnce label="Agent command" value={issued.agentCommand} note="Run it beside OctoPrint." />
        </Notice>
      )}
      {mayCreate && (
        <form className="form" onSubmit={submit} noValidate>
          <div className="form-grid form-grid-3">
            <SelectInput label="Fleet" value={fleetId} onChange={set('fleetId')} error={feedback.fieldError('fleetId')}>
              {enrollable.map((fleet) => (
                <option key={fleet.id} value={fleet.id}>
                  {fleet.name}
                </option>
              ))}
            </SelectInput>
            <TextInput
              label="Printers it may enroll"
              type="number"
              min={1}
              value={draft.uses}
              onChange={set('uses')}
              error={feedback.fieldError('uses')}
            />
            <TextInput
              label="Valid for (hours)"
              type="number"
              min={1}
              value={draft.expiresInHours}
              onChange={set('expiresInHours')}
              error={feedback.fieldError('expiresInHours')}
            />
            <TextInput
              label="Printer name (optional)"
              hint="Default: the agent's host name"
              value={draft.printerName}
              onChange={set('printerName')}
              error={feedback.fieldError('printerName')}
            />
          </div>
          <div>
            <Button type="submit" variant="primary" busy={create.isPending}>
              Create token
            </Button>
          </div>
        </form>
      )}
      {tokens.data && tokens.data.tokens.length > 0 && (
        <div className="table-wrap">
          <table className="table table-dense">
            <caption className="visually-hidden">Usable enrollment tokens</caption>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Fleet</th>
                <th scope="col">Uses left</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.tokens.map((token) => (
                <tr key={token.id}>
                  <td className="mono">{token.redacted}</td>
                  <td>{fleets.nameOf(token.fleetId)}</td>
                  <td className="numeric">
                    {token.usesLeft} of {token.usesAllowed}
                  </td>
                  <td>{formatDate(token.expiresAt)}</td>
                  <td>{formatAgo(token.lastUsedAt)}</td>
                  <td className="row-actions">
                    {mayRevoke && (
                      <Button variant="ghost" onClick={() => setRevoking(token)}>
                        Revoke<span className="visually-hidden"> {token.redacted}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this enrollment token?"
        confirmLabel="Revoke token"
        tone="danger"
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking, { onSettled: () => setRevoking(null) })}
        onCancel={() => setRevoking(null)}
      >
        Agents that have not enrolled yet can no longer use it. Printers already enrolled keep working.
      </ConfirmDialog>
    </Section>
  );
}
