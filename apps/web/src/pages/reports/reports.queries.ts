import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { client, unwrap } from '../../lib/api';
import type { Schema } from '../../lib/api/views';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';

export type Report = Schema<'ReportDto'>;
export type ReportFilter = { from: string; to: string; fleetId?: string; memberId?: string; tag?: string };
export const REPORT_TABLES = ['printers', 'members', 'tags', 'materials', 'failures', 'jobs', 'prints'] as const;

/** The filter without its empty fields, as the API and the export links take it. */
export function compact(filter: ReportFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value)) as Record<string, string>;
}

export function useReport(filter: ReportFilter) {
  const { org } = useOrg();
  const query = compact(filter);
  return useQuery({
    queryKey: queryKeys.org(org.id).report(query),
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/reports', {
          params: { path: { orgId: org.id }, query: query as ReportFilter },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** The CSV download of one table: a plain link, so the browser streams it to a file with the session cookie. */
export function exportHref(orgId: string, table: string, filter: ReportFilter): string {
  return `/api/orgs/${orgId}/reports/export/${table}?${new URLSearchParams(compact(filter)).toString()}`;
}
