import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { QueryState } from '../components/query-state';
import { Button, EmptyState, PageHeader, SelectInput, TextInput } from '../components/ui';
import { client, unwrap } from '../lib/api';
import { useFleets } from '../lib/fleets';
import { formatDateSeconds } from '../lib/format';
import { useLive } from '../lib/live';
import { queryKeys } from '../lib/query-keys';
import { useOrg } from '../lib/session';
import type { AuditEntry } from '../lib/api/views';

/** The form's values; empty means "any". */
interface Filters {
  action: string;
  actorType: '' | AuditEntry['actorType'];
  subjectType: string;
  result: '' | AuditEntry['result'];
  from: string;
  to: string;
}

const EMPTY: Filters = { action: '', actorType: '', subjectType: '', result: '', from: '', to: '' };
const PAGE_SIZE = 50;

function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details ?? {});
  if (!entries.length) return <span className="muted">—</span>;
  return (
    <details className="audit-details">
      <summary>{entries.map(([key]) => key).join(', ')}</summary>
      <pre>{JSON.stringify(details, null, 2)}</pre>
    </details>
  );
}

const ACTOR_KINDS: Record<string, string> = { apiKey: 'API key', agent: 'Printer agent', system: 'Farmhand' };

/**
 * Names for the ids an entry carries: printers from the live list the page already has, fleets and the organization,
 * members (by membership and by user id) from the members list when the role may read it. An id with no name stays a
 * short id.
 */
function useNames(orgId: string, canReadMembers: boolean) {
  const { printers } = useLive();
  const { org } = useOrg();
  const { list: fleets } = useFleets();
  const members = useQuery({
    queryKey: queryKeys.org(orgId).members,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/members', { params: { path: { orgId } } })),
    enabled: canReadMembers,
  });
  return useMemo(() => {
    const names = new Map<string, string>([[`Organization:${org.id}`, org.name]]);
    for (const fleet of fleets) names.set(`Fleet:${fleet.id}`, fleet.name);
    for (const printer of printers) names.set(`Printer:${printer.id}`, printer.name);
    for (const member of members.data ?? []) {
      const name = member.displayName || member.email;
      names.set(`Member:${member.id}`, name);
      names.set(`User:${member.userId}`, name);
    }
    return names;
  }, [printers, members.data, fleets, org.id, org.name]);
}

/** The actor, said once: a person by name (email on hover), anything else by its kind and label. */
function Actor({ entry, names }: { entry: AuditEntry; names: Map<string, string> }) {
  if (entry.actorType === 'user') {
    const name = (entry.actorId && names.get(`User:${entry.actorId}`)) || entry.actorLabel;
    return <span title={entry.actorLabel}>{name}</span>;
  }
  if (entry.actorType === 'system') return <span>Farmhand</span>;
  const printerName = entry.actorType === 'agent' && entry.actorId ? names.get(`Printer:${entry.actorId}`) : undefined;
  return (
    <span>
      <span className="muted small">{ACTOR_KINDS[entry.actorType] ?? entry.actorType}</span>{' '}
      {printerName ?? entry.actorLabel}
    </span>
  );
}

function Subject({ entry, names }: { entry: AuditEntry; names: Map<string, string> }) {
  const name = entry.subjectId ? names.get(`${entry.subjectType}:${entry.subjectId}`) : undefined;
  return (
    <span>
      {entry.subjectType}
      {name ? (
        <strong title={entry.subjectId ?? undefined}> {name}</strong>
      ) : (
        entry.subjectId && <span className="muted mono small"> {entry.subjectId.slice(0, 8)}</span>
      )}
    </span>
  );
}

export function AuditPage() {
  const { org, ability } = useOrg();
  const names = useNames(org.id, ability.can('read', 'Member'));
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  // Cursor paging: `before` is the last id of the previous page; the stack lets "Newer" go back.
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors.at(-1);
  // The page shown stays on screen while the next one loads.
  const page = useQuery({
    queryKey: queryKeys.org(org.id).audit({ ...filters, before }),
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/audit', {
          params: {
            path: { orgId: org.id },
            query: {
              action: filters.action || undefined,
              actorType: filters.actorType || undefined,
              subjectType: filters.subjectType || undefined,
              result: filters.result || undefined,
              from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined,
              to: filters.to ? new Date(`${filters.to}T23:59:59`).toISOString() : undefined,
              before,
              limit: PAGE_SIZE,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setCursors([]);
  };
  const set = (field: keyof Filters) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  return (
    <div className="page">
      <PageHeader title="Audit log" subtitle="Every change and every refused attempt, newest first." />
      <form className="filters" onSubmit={apply} aria-label="Audit filters">
        <TextInput label="Action" placeholder="e.g. member.updated" value={draft.action} onChange={set('action')} />
        <SelectInput label="Actor" value={draft.actorType} onChange={set('actorType')}>
          <option value="">Anyone</option>
          <option value="user">People</option>
          <option value="apiKey">API keys</option>
          <option value="agent">Printer agents</option>
          <option value="system">Farmhand</option>
        </SelectInput>
        <SelectInput label="Subject" value={draft.subjectType} onChange={set('subjectType')}>
          <option value="">Anything</option>
          {['Organization', 'Member', 'Invitation', 'ApiKey', 'Fleet', 'Printer', 'File', 'Job', 'Alert'].map(
            (type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ),
          )}
        </SelectInput>
        <SelectInput label="Result" value={draft.result} onChange={set('result')}>
          <option value="">Any result</option>
          <option value="success">Success</option>
          <option value="denied">Denied</option>
          <option value="failure">Failure</option>
        </SelectInput>
        <TextInput label="From" type="date" value={draft.from} onChange={set('from')} />
        <TextInput label="To" type="date" value={draft.to} onChange={set('to')} />
        <div className="filters-actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          <Button
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setCursors([]);
            }}
          >
            Reset
          </Button>
        </div>
      </form>
      <QueryState query={page}>
        {({ entries }) =>
          entries.length === 0 ? (
            <EmptyState title="No entries match these filters" />
          ) : (
            <div className="table-wrap" aria-busy={page.isPlaceholderData}>
              <table className="table table-dense">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Subject</th>
                    <th scope="col">Result</th>
                    <th scope="col">Details</th>
                    <th scope="col">Address</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((entry) => (
                    <tr key={entry.id}>
                      <td className="nowrap">
                        <time dateTime={entry.createdAt}>{formatDateSeconds(entry.createdAt)}</time>
                      </td>
                      <td>
                        <Actor entry={entry} names={names} />
                      </td>
                      <td className="mono">{entry.action}</td>
                      <td>
                        <Subject entry={entry} names={names} />
                      </td>
                      <td>
                        <span
                          className={`status status-${entry.result === 'success' ? 'ok' : entry.result === 'denied' ? 'warn' : 'bad'}`}
                        >
                          {entry.result}
                        </span>
                      </td>
                      <td>
                        <Details details={entry.details} />
                      </td>
                      <td className="mono small">{entry.ip ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
      <nav className="pager" aria-label="Audit pages">
        <Button disabled={cursors.length === 0} onClick={() => setCursors((current) => current.slice(0, -1))}>
          ← Newer
        </Button>
        <span className="muted">Page {cursors.length + 1}</span>
        <Button
          disabled={!page.data?.nextBefore}
          onClick={() => page.data?.nextBefore && setCursors((current) => [...current, page.data!.nextBefore!])}
        >
          Older →
        </Button>
      </nav>
    </div>
  );
}
