import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, Section, SelectInput, TextInput } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import type { Schema } from '../../lib/api/views';
import { useApiMutation } from '../../lib/mutations';
import { useOrg } from '../../lib/session';
import { useEnrollableFleets } from './enrollable-fleets';

/** The device flow's admin half: type the code an agent shows, then claim (enroll) or deny it. */
export function PairingSection() {
  const { org } = useOrg();
  const fleets = useEnrollableFleets();
  const feedback = useFeedback();
  const [draft, setDraft] = useState({ userCode: '', name: '', fleetId: '' });
  const fleetId = draft.fleetId || fleets[0]?.id || '';

  const pairing = useApiMutation({
    mutationFn: async (action: 'claim' | 'deny'): Promise<Schema<'ClaimedPrinterDto'> | null> => {
      if (action === 'deny') {
        await unwrap(
          client.POST('/api/orgs/{orgId}/enrollment/pairings/deny', {
            params: { path: { orgId: org.id } },
            body: { userCode: draft.userCode },
          }),
        );
        return null;
      }
      return unwrap(
        client.POST('/api/orgs/{orgId}/enrollment/pairings/claim', {
          params: { path: { orgId: org.id } },
          body: { userCode: draft.userCode, name: draft.name, fleetId },
        }),
      );
    },
    feedback,
    success: (claimed) =>
      claimed
        ? `${claimed.name} is enrolled; its agent${claimed.agent.hostname ? ` on ${claimed.agent.hostname}` : ''} receives its credential on its next poll.`
        : 'Pairing denied: the agent is told so on its next poll.',
    onSuccess: () => setDraft((current) => ({ userCode: '', name: '', fleetId: current.fleetId })),
  });
  const busy = (action: 'claim' | 'deny') => pairing.isPending && pairing.variables === action;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    pairing.mutate('claim');
  };

  return (
    <Section title="Pair a printer by code">
      <p className="muted">
        An agent started with <code>farmhand-agent enroll --pair</code> shows a code like <code>WDJBM-JHT4K</code>. Type
        it here to enroll that printer. Wrong codes count toward a lockout.
      </p>
      <FeedbackNotice feedback={feedback} inline={['userCode', 'name', 'fleetId']} />
      <form className="form" onSubmit={submit} noValidate>
        <div className="form-grid form-grid-3">
          <TextInput
            label="Pairing code"
            value={draft.userCode}
            autoComplete="off"
            spellCheck={false}
            className="input mono"
            onChange={(event) => setDraft((current) => ({ ...current, userCode: event.target.value }))}
            error={feedback.fieldError('userCode')}
          />
          <TextInput
            label="Printer name"
            value={draft.name}
            onChange={(event) => setDraft((current) => ({ ...current, name: event.target.value }))}
            error={feedback.fieldError('name')}
          />
          <SelectInput
            label="Fleet"
            value={fleetId}
            onChange={(event) => setDraft((current) => ({ ...current, fleetId: event.target.value }))}
            error={feedback.fieldError('fleetId')}
          >
            {fleets.map((fleet) => (
              <option key={fleet.id} value={fleet.id}>
                {fleet.name}
              </option>
            ))}
          </SelectInput>
        </div>
        <div className="control-row">
          <Button type="submit" variant="primary" busy={busy('claim')} disabled={!draft.userCode.trim()}>
            Claim printer
          </Button>
          <Button
            variant="danger"
            busy={busy('deny')}
            disabled={!draft.userCode.trim()}
            onClick={() => pairing.mutate('deny')}
          >
            Deny
          </Button>
        </div>
      </form>
    </Section>
  );
}
