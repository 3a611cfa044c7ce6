import { useState, type FormEvent } from 'react';
import { Button, EmptyState, Notice, PageHeader, SelectInput, Spinner, TextInput } from '../components/ui';
import { api, query } from '../lib/api';
import { formatDate } from '../lib/format';
import { useOrg } from '../lib/session';
import type { AuditEntry } from '../lib/types';
import { useResource } from '../lib/use-resource';

interface Filters {
  action: string;
  actorType: string;
  subjectType: string;
  result: string;
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

export function AuditPage() {
  const { org } = useOrg();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  // Cursor paging: `before` is the last id of the previous page; the stack lets "Newer" go back.
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors.at(-1);
  const key = JSON.stringify({ orgId: org.id, filters, before });
  const page = useResource(key, () =>
    api.get<{ entries: AuditEntry[]; nextBefore: string | null }>(
      `/api/orgs/${org.id}/audit${query({
        ...filters,
        from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined,
        to: filters.to ? new Date(`${filters.to}T23:59:59`).toISOString() : undefined,
        before,
        limit: PAGE_SIZE,
      })}`,
    ),
  );

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
      {page.error && <Notice tone="error">{page.error}</Notice>}
      {page.loading && !page.data ? (
        <Spinner />
      ) : page.data && page.data.entries.length === 0 ? (
        <EmptyState title="No entries match these filters" />
      ) : (
        page.data && (
          <div className="table-wrap" aria-busy={page.loading}>
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
                {page.data.entries.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap">{formatDate(entry.createdAt)}</td>
                    <td>
                      <span className="muted small">{entry.actorType}</span> {entry.actorLabel}
                    </td>
                    <td className="mono">{entry.action}</td>
                    <td>
                      {entry.subjectType}
                      {entry.subjectId && <span className="muted mono small"> {entry.subjectId.slice(0, 8)}</span>}
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
      )}
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
