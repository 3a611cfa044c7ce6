import { useState, type FormEvent } from 'react';
import { FeedbackNotice, useFeedback, type Feedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, PageHeader, Section, SelectInput, TextInput } from '../../components/ui';
import type { WebhookEvent } from '../../lib/api/views';
import { EVENT_LABELS } from '../../lib/event-labels';
import { useFleets } from '../../lib/fleets';
import { useMyPreferences, useSavePreferences, type NotificationPreferences } from './preferences.queries';

const EVENTS = Object.keys(EVENT_LABELS) as WebhookEvent[];
/** The events a person may mark "deliver anyway" (the server's URGENT_EVENTS). */
const URGENT: WebhookEvent[] = ['alert.raised', 'print.paused_by_detector'];
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** What reaches me, by mail and browser push, from which fleets, when: every member's own (any role). */
export function MyNotificationsPage() {
  const preferences = useMyPreferences();
  // Here, not in the form: the form is rebuilt from each saved version, the notice outlives that.
  const feedback = useFeedback();
  const save = useSavePreferences(feedback);
  return (
    <div className="page">
      <PageHeader
        title="My notifications"
        subtitle="Which events reach you by email and browser push, from which fleets, and when."
      />
      <FeedbackNotice feedback={feedback} />
      <QueryState query={preferences}>
        {(saved) => (
          <PreferencesForm saved={saved} key={saved.updatedAt ?? 'defaults'} feedback={feedback} save={save} />
        )}
      </QueryState>
    </div>
  );
}

function PreferencesForm({
  saved,
  feedback,
  save,
}: {
  saved: NotificationPreferences & { updatedAt: string | null };
  feedback: Feedback;
  save: ReturnType<typeof useSavePreferences>;
}) {
  const fleets = useFleets();
  const [draft, setDraft] = useState<NotificationPreferences>(() => ({
    emailEvents: saved.emailEvents,
    pushEvents: saved.pushEvents,
    urgentEvents: saved.urgentEvents,
    fleetIds: saved.fleetIds,
    timeZone: saved.updatedAt ? saved.timeZone : browserTimeZone(),
    quietHours: saved.quietHours,
    digestHour: saved.digestHour,
  }));

  type EventList = 'emailEvents' | 'pushEvents' | 'urgentEvents';
  const toggle = (list: EventList, event: WebhookEvent, on: boolean) =>
    setDraft((current) => {
      const next = { ...current, [list]: on ? [...current[list], event] : current[list].filter((e) => e !== event) };
      // "Deliver anyway" only means something for an event that is delivered at all.
      next.urgentEvents = next.urgentEvents.filter((e) => next.emailEvents.includes(e) || next.pushEvents.includes(e));
      return next;
    });
  const toggleFleet = (fleetId: string, on: boolean) =>
    setDraft((current) => {
      const chosen = current.fleetIds ?? [];
      return { ...current, fleetIds: on ? [...chosen, fleetId] : chosen.filter((id) => id !== fleetId) };
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(draft);
  };

  return (
    <form onSubmit={submit} className="stack">
      <Section title="Events">
        <div className="table-wrap">
          <table className="table table-dense">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Email</th>
                <th scope="col">Push</th>
                <th scope="col">Urgent: deliver anyway</th>
              </tr>
            </thead>
            <tbody>
              {EVENTS.map((event) => (
                <tr key={event}>
                  <th scope="row">{EVENT_LABELS[event]}</th>
                  {(['emailEvents', 'pushEvents'] as const).map((list) => (
                    <td key={list}>
                      <input
                        type="checkbox"
                        aria-label={`${list === 'emailEvents' ? 'Email' : 'Push'}: ${EVENT_LABELS[event]}`}
                        checked={draft[list].includes(event)}
                        onChange={(e) => toggle(list, event, e.target.checked)}
                      />
                    </td>
                  ))}
                  <td>
                    {URGENT.includes(event) && (
                      <input
                        type="checkbox"
                        aria-label={`Urgent: ${EVENT_LABELS[event]}`}
                        checked={(draft.urgentEvents as WebhookEvent[]).includes(event)}
                        disabled={!draft.emailEvents.includes(event) && !draft.pushEvents.includes(event)}
                        onChange={(e) => toggle('urgentEvents', event, e.target.checked)}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {feedback.fieldError('urgentEvents') && <p className="field-error">{feedback.fieldError('urgentEvents')}</p>}
      </Section>

      <Section title="Fleets">
        <fieldset className="checks">
          <legend className="visually-hidden">Fleets</legend>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.fleetIds === null}
              onChange={(e) => setDraft((c) => ({ ...c, fleetIds: e.target.checked ? null : [] }))}
            />
            Every fleet I may see
          </label>
          {draft.fleetIds !== null &&
            fleets.list.map((fleet) => (
              <label className="checkbox" key={fleet.id}>
                <input
                  type="checkbox"
                  checked={draft.fleetIds?.includes(fleet.id) ?? false}
                  onChange={(e) => toggleFleet(fleet.id, e.target.checked)}
                />
                {fleet.name}
              </label>
            ))}
        </fieldset>
        {feedback.fieldError('fleetIds') && <p className="field-error">{feedback.fieldError('fleetIds')}</p>}
      </Section>

      <Section title="When">
        <div className="form-grid">
          <TextInput
            label="Time zone"
            hint="An IANA name, e.g. Europe/Berlin"
            value={draft.timeZone}
            onChange={(e) => setDraft((c) => ({ ...c, timeZone: e.target.value }))}
            error={feedback.fieldError('timeZone')}
          />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.quietHours !== null}
              onChange={(e) =>
                setDraft((c) => ({ ...c, quietHours: e.target.checked ? { start: '22:00', end: '07:00' } : null }))
              }
            />
            Quiet hours (hold non-urgent notifications until they end)
          </label>
          {draft.quietHours && (
            <>
              <TextInput
                label="Quiet from"
                type="time"
                value={draft.quietHours.start}
                onChange={(e) => setDraft((c) => ({ ...c, quietHours: { ...c.quietHours!, start: e.target.value } }))}
                error={feedback.fieldError('quietHours.start')}
              />
              <TextInput
                label="Quiet until"
                type="time"
                value={draft.quietHours.end}
                onChange={(e) => setDraft((c) => ({ ...c, quietHours: { ...c.quietHours!, end: e.target.value } }))}
                error={feedback.fieldError('quietHours.end')}
              />
            </>
          )}
          <SelectInput
            label="Daily digest"
            hint="Collect the emailed events into one mail a day"
            value={draft.digestHour === null ? '' : String(draft.digestHour)}
            onChange={(e) =>
              setDraft((c) => ({ ...c, digestHour: e.target.value === '' ? null : Number(e.target.value) }))
            }
            error={feedback.fieldError('digestHour')}
          >
            <option value="">Off: mail each event</option>
            {HOURS.map((hour) => (
              <option key={hour} value={hour}>
                At {String(hour).padStart(2, '0')}:00
              </option>
            ))}
          </SelectInput>
        </div>
      </Section>
      <div>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save my notifications
        </Button>
      </div>
    </form>
  );
}
