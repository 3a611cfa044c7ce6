import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, EmptyState, Section, SelectInput, TextInput } from '../../components/ui';
import { useOrg } from '../../lib/session';
import { useQuotaChange, useQuotas, type NewQuota } from './quotas.queries';

const UNIT = { print_hours: 'h', filament_grams: 'g' } as const;
const EMPTY = { scope: 'member', target: '', metric: 'print_hours', limit: '' };

/**
 * Monthly (UTC) quotas per member or tag, with what each has used or queued this month; admins add and remove them.
 * A job that would pass one is refused with the API's `quota_exceeded` message in the job form.
 */
export function QuotasSection({
  members,
  nameOf,
}: {
  members: { userId: string; displayName?: string | null; email: string }[];
  nameOf: (userId: string) => string;
}) {
  const { ability } = useOrg();
  const quotas = useQuotas();
  const feedback = useFeedback();
  const [draft, setDraft] = useState(EMPTY);
  const change = useQuotaChange(feedback, () => setDraft(EMPTY));
  const manage = ability.can('create', 'Quota');
  const set = (field: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate({
      action: 'create',
      quota: {
        scope: draft.scope as NewQuota['scope'],
        target: draft.target.trim(),
        metric: draft.metric as NewQuota['metric'],
        limit: Number(draft.limit),
        period: 'month',
      },
    });
  };

  return (
    <Section title="Quotas">
      <QueryState query={quotas}>
        {(rows) =>
          rows.length === 0 ? (
            <EmptyState title="No quotas" />
          ) : (
            <div className="table-wrap">
              <table className="table table-dense" aria-label="Quotas">
                <thead>
                  <tr>
                    <th scope="col">Who</th>
                    <th scope="col">Per month (UTC)</th>
                    <th scope="col">Used or queued</th>
                    {manage ? <th scope="col">Actions</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((quota) => (
                    <tr key={quota.id}>
                      <td>{quota.scope === 'member' ? nameOf(quota.target) : `tag ${quota.target}`}</td>
                      <td>
                        {quota.limit} {UNIT[quota.metric]}
                      </td>
                      <td>
                        {quota.used} {UNIT[quota.metric]}
                      </td>
                      {manage ? (
                        <td>
                          <Button
                            variant="danger"
                            onClick={() => change.mutate({ action: 'delete', quota })}
                            aria-label={`Remove quota of ${quota.scope === 'member' ? nameOf(quota.target) : quota.target}`}
                          >
                            Remove
                          </Button>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
      {manage ? (
        <form className="form" aria-label="Add quota" onSubmit={submit} noValidate>
          <FeedbackNotice feedback={feedback} inline={['scope', 'target', 'metric', 'limit']} />
          <div className="form-grid form-grid-3">
            <SelectInput label="Scope" value={draft.scope} onChange={set('scope')}>
              <option value="member">Member</option>
              <option value="tag">Tag</option>
            </SelectInput>
            {draft.scope === 'member' ? (
              <SelectInput
                label="Member"
                value={draft.target}
                onChange={set('target')}
                error={feedback.fieldError('target')}
              >
                <option value="">Choose…</option>
                {members.map((member) => (
                  <option key={member.userId} value={member.userId}>
                    {member.displayName || member.email}
                  </option>
                ))}
              </SelectInput>
            ) : (
              <TextInput
                label="Tag"
                value={draft.target}
                onChange={set('target')}
                error={feedback.fieldError('target')}
              />
            )}
            <SelectInput label="Metric" value={draft.metric} onChange={set('metric')}>
              <option value="print_hours">Print hours</option>
              <option value="filament_grams">Filament grams</option>
            </SelectInput>
            <TextInput
              label="Limit per month"
              inputMode="decimal"
              value={draft.limit}
              onChange={set('limit')}
              error={feedback.fieldError('limit')}
            />
          </div>
          <div>
            <Button type="submit" variant="primary" busy={change.isPending} disabled={!draft.target.trim()}>
              Add quota
            </Button>
          </div>
        </form>
      ) : null}
    </Section>
  );
}
