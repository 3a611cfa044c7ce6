import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { QueryState } from '../../components/query-state';
import { EmptyState, PageHeader, Section, SelectInput, TextInput } from '../../components/ui';
import { client, unwrap } from '../../lib/api';
import { useFleets } from '../../lib/fleets';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import { BarChart } from './bar-chart';
import { QuotasSection } from './quotas-section';
import { ReportTables } from './report-tables';
import { exportHref, REPORT_TABLES, useReport, type ReportFilter } from './reports.queries';

const day = (date: Date) => date.toISOString().slice(0, 10);

function lastThirtyDays(): ReportFilter {
  const to = new Date();
  return { from: day(new Date(to.getTime() - 29 * 86_400_000)), to: day(to) };
}

/** Usage, success and cost of the prints the member may see, with the filters and a CSV of every table. */
export function ReportsPage() {
  const { org, ability } = useOrg();
  const [filter, setFilter] = useState<ReportFilter>(lastThirtyDays);
  const report = useReport(filter);
  const fleets = useFleets();
  const members = useQuery({
    queryKey: queryKeys.org(org.id).members,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/members', { params: { path: { orgId: org.id } } })),
    enabled: ability.can('read', 'Member'),
  });
  const nameOf = (userId: string) =>
    userId ? (members.data?.find((member) => member.userId === userId)?.displayName ?? userId) : 'API keys and system';
  const set = (patch: Partial<ReportFilter>) => setFilter((current) => ({ ...current, ...patch }));

  return (
    <div className="page">
      <PageHeader title="Reports" subtitle="Counted from the prints Farmhand recorded; days in UTC." />
      <Section title="Filter">
        <form className="form form-inline" aria-label="Report filter" onSubmit={(event) => event.preventDefault()}>
          <TextInput
            label="From"
            type="date"
            value={filter.from}
            onChange={(event) => set({ from: event.target.value })}
          />
          <TextInput label="To" type="date" value={filter.to} onChange={(event) => set({ to: event.target.value })} />
          <SelectInput
            label="Fleet"
            value={filter.fleetId ?? ''}
            onChange={(event) => set({ fleetId: event.target.value })}
          >
            <option value="">Every fleet</option>
            {fleets.list.map((fleet) => (
              <option key={fleet.id} value={fleet.id}>
                {fleet.name}
              </option>
            ))}
          </SelectInput>
          <SelectInput
            label="Member"
            value={filter.memberId ?? ''}
            onChange={(event) => set({ memberId: event.target.value })}
          >
            <option value="">Everyone</option>
            {(members.data ?? []).map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.displayName || member.email}
              </option>
            ))}
          </SelectInput>
          <TextInput
            label="Tag"
            value={filter.tag ?? ''}
            onChange={(event) => set({ tag: event.target.value.trim().toLowerCase() })}
          />
        </form>
      </Section>
      <QueryState query={report}>
        {(data) => (
          <>
            <Section title="Summary">
              {data.totals.prints === 0 ? (
                <EmptyState title="No prints ended in this period" />
              ) : (
                <dl className="stats" aria-label="Summary">
                  <div>
                    <dt>Prints</dt>
                    <dd>{data.totals.prints}</dd>
                  </div>
                  <div>
                    <dt>Success rate</dt>
                    <dd>{Math.round(data.totals.successRate * 1000) / 10} %</dd>
                  </div>
                  <div>
                    <dt>Print hours</dt>
                    <dd>{data.totals.printHours}</dd>
                  </div>
                  <div>
                    <dt>Filament</dt>
                    <dd>{data.totals.filamentGrams} g</dd>
                  </div>
                  <div>
                    <dt>Cost</dt>
                    <dd>
                      {(data.totals.cost.totalCents / 100).toFixed(2)} {data.currency}
                    </dd>
                  </div>
                  <div>
                    <dt>Detector alerts</dt>
                    <dd>
                      {data.alerts.alerts} ({data.alerts.falseAlarms} false)
                    </dd>
                  </div>
                </dl>
              )}
            </Section>
            <Section title="Charts">
              <BarChart
                title="Print hours per printer"
                unit="h"
                rows={data.printers.map((row) => ({ label: row.name, value: row.printHours }))}
              />
              <BarChart
                title="Filament per material"
                unit="g"
                rows={data.materials.map((row) => ({
                  label: row.color ? `${row.material} ${row.color}` : row.material || 'unknown',
                  value: row.filamentGrams,
                }))}
              />
            </Section>
            <ReportTables report={data} nameOf={nameOf} />
            <Section title="Export">
              <ul className="inline-list" aria-label="CSV exports">
                {REPORT_TABLES.map((table) => (
                  <li key={table}>
                    <a href={exportHref(org.id, table, filter)} download>
                      {table}.csv
                    </a>
                  </li>
                ))}
              </ul>
            </Section>
          </>
        )}
      </QueryState>
      {ability.can('read', 'Quota') ? <QuotasSection members={members.data ?? []} nameOf={nameOf} /> : null}
    </div>
  );
}
