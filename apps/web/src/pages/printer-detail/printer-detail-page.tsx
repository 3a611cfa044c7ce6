import { OFFLINE_LIVE } from '@farmhand/dashboard-messages';
import { StateBadge } from '../../components/printer-card';
import { TemperatureChart, useTemperatureHistory } from '../../components/temperature-chart';
import { messageOf } from '../../lib/api';
import { Notice, PageHeader, Section, Spinner } from '../../components/ui';
import { canOnPrinter } from '../../lib/ability';
import { useFleets } from '../../lib/fleets';
import { formatAgo } from '../../lib/format';
import { useLive, useShowing } from '../../lib/live';
import { Link } from '../../lib/router';
import { useOrg } from '../../lib/session';
import { AttentionSection } from './attention-section';
import { CapabilitiesForm } from './capabilities-form';
import { ControlsSection } from './controls-section';
import { CredentialsSection } from './credentials-section';
import { DetectionSection } from './detection-section';
import { HistorySection } from './history-section';
import { KindSection } from './kind-section';
import { MaintenanceHistorySection } from './maintenance-history-section';
import { ManualControlSection } from './manual-control-section';
import { LiveCameraSection } from './live-camera-section';
import { NowSection } from './now-section';
import { PrinterAlerts } from './printer-alerts';
import { usePrinter } from './printer.queries';
import { SpoolsSection } from './spools-section';

export function PrinterDetailPage({ printerId }: { printerId: string }) {
  const { org, ability } = useOrg();
  const fleets = useFleets();
  const { byId } = useLive();
  useShowing('printer-detail', [printerId]);
  const printer = usePrinter(printerId);
  const live = byId.get(printerId)?.live ?? OFFLINE_LIVE;
  const temperatures = useTemperatureHistory(printerId, live);

  if (printer.isPending) return <Spinner />;
  if (!printer.data)
    return (
      <div className="page page-narrow">
        <Notice tone="error">{printer.error ? messageOf(printer.error) : 'Printer not found'}</Notice>
        <Link to={`/orgs/${org.id}/printers`}>Back to printers</Link>
      </div>
    );
  const row = printer.data;

  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to={`/orgs/${org.id}/printers`}>Printers</Link> <span aria-hidden="true">/</span>{' '}
        <Link to={`/orgs/${org.id}/printers?fleet=${row.fleetId}`}>{fleets.nameOf(row.fleetId)}</Link>
      </nav>
      <PageHeader
        title={row.name}
        badge={<StateBadge live={live} />}
        subtitle={[
          fleets.nameOf(row.fleetId),
          row.model,
          row.serial && `S/N ${row.serial}`,
          live.online ? 'agent connected' : `last seen ${formatAgo(row.lastSeenAt)}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      />
      <AttentionSection printer={row} live={live} />
      <div className="detail-grid">
        <NowSection printer={row} live={live} />
        <ControlsSection printer={row} />
      </div>
      <KindSection printer={row} live={live} />
      <ManualControlSection printer={row} live={live} />
      <LiveCameraSection printer={row} />
      <Section title="Temperatures">
        <TemperatureChart samples={temperatures} />
      </Section>
      {ability.can('read', 'Spool') && <SpoolsSection printer={row} />}
      <HistorySection printer={row} />
      {ability.can('read', 'MaintenanceTask') && <MaintenanceHistorySection printer={row} />}
      {ability.can('read', 'Alert') && <PrinterAlerts printer={row} />}
      <Section title="Capabilities">
        <CapabilitiesForm printer={row} />
      </Section>
      <DetectionSection printer={row} />
      {(canOnPrinter(ability, 'rotate', row) || canOnPrinter(ability, 'revoke', row)) && (
        <CredentialsSection printer={row} />
      )}
    </div>
  );
}
