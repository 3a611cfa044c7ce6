import { QueryState } from '../../components/query-state';
import { Section } from '../../components/ui';
import type { Printer } from '../../lib/api/views';
import { AlertTable } from '../alerts/alert-table';
import { useAlerts } from '../alerts/alerts.queries';

export function PrinterAlerts({ printer }: { printer: Printer }) {
  const alerts = useAlerts({ printerId: printer.id, limit: 20 });
  return (
    <Section title="Alerts">
      <QueryState query={alerts}>
        {(data) => <AlertTable alerts={data.items} showPrinter={false} labelFrames />}
      </QueryState>
    </Section>
  );
}
