import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, ConfirmDialog, Notice, SecretOnce, Section } from '../../components/ui';
import { canOnPrinter } from '../../lib/ability';
import { formatAgo, formatDate } from '../../lib/format';
import { useOrg } from '../../lib/session';
import type { Printer, RotatedCredential } from '../../lib/api/views';
import { useCredentialAction, usePrinterCredentials } from './printer.queries';

export function CredentialsSection({ printer }: { printer: Printer }) {
  const { ability } = useOrg();
  const credentials = usePrinterCredentials(printer.id);
  const feedback = useFeedback();
  const action = useCredentialAction(printer, feedback);
  const [issued, setIssued] = useState<RotatedCredential | null>(null);
  const [confirm, setConfirm] = useState<'rotate' | 'revoke' | null>(null);
  const mayRotate = canOnPrinter(ability, 'rotate', printer);
  const mayRevoke = canOnPrinter(ability, 'revoke', printer);

  const run = () => {
    if (!confirm) return;
    action.mutate(confirm, {
      onSuccess: (answer) => setIssued(answer.rotated ?? null),
      onSettled: () => setConfirm(null),
    });
  };

  return (
    <Section
      title="Agent credentials"
      actions={
        <div className="section-actions">
          {mayRotate && <Button onClick={() => setConfirm('rotate')}>Rotate</Button>}
          {mayRevoke && (
            <Button variant="danger" onClick={() => setConfirm('revoke')} disabled={!credentials.data?.length}>
              Revoke all
            </Button>
          )}
        </div>
      }
    >
      <FeedbackNotice feedback={feedback} />
      {issued && (
        <Notice tone="success">
          <SecretOnce
            label="New agent credential"
            value={issued.credential}
            note={`Shown only now. Put it in the agent's configuration; the previous one keeps working until ${formatDate(issued.previousValidUntil)}.`}
          />
        </Notice>
      )}
      <QueryState query={credentials}>
        {(list) =>
          list.length ? (
            <table className="table table-dense">
              <thead>
                <tr>
                  <th scope="col">Credential</th>
                  <th scope="col">Issued</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Valid until</th>
                </tr>
              </thead>
              <tbody>
                {list.map((credential) => (
                  <tr key={credential.id}>
                    <td className="mono">{credential.id.slice(0, 8)}…</td>
                    <td>{formatDate(credential.createdAt)}</td>
                    <td>{formatAgo(credential.lastUsedAt)}</td>
                    <td>{credential.expiresAt ? formatDate(credential.expiresAt) : 'Until rotated'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No usable credential: the agent cannot connect until it is enrolled again.</p>
          )
        }
      </QueryState>
      <ConfirmDialog
        open={confirm !== null}
        title={
          confirm === 'rotate'
            ? `Rotate the credential of ${printer.name}?`
            : `Revoke every credential of ${printer.name}?`
        }
        confirmLabel={confirm === 'rotate' ? 'Rotate credential' : 'Revoke now'}
        tone={confirm === 'revoke' ? 'danger' : 'primary'}
        busy={action.isPending}
        onConfirm={run}
        onCancel={() => setConfirm(null)}
      >
        {confirm === 'rotate'
          ? 'A new credential is issued and shown once; the current one keeps working for a short grace period.'
          : 'The agent is disconnected at once and cannot reconnect until the printer is enrolled again.'}
      </ConfirmDialog>
    </Section>
  );
}
