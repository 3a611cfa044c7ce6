import { useState } from 'react';
import { Button, PageHeader } from '../../components/ui';
import { QueryState } from '../../components/query-state';
import { AlertTable } from './alert-table';
import { useAlerts } from './alerts.queries';

export function AlertsPage() {
  const [scope, setScope] = useState<'open' | 'all'>('open');
  const alerts = useAlerts({ state: scope === 'open' ? 'open' : undefined, limit: 200 });
  return (
    <div className="page">
      <PageHeader
        title="Alerts"
        subtitle="Failure detection flags prints that look wrong; decide what each one was."
        actions={
          <div className="segmented" role="group" aria-label="Which alerts">
            <Button
              variant={scope === 'open' ? 'primary' : 'secondary'}
              aria-pressed={scope === 'open'}
              onClick={() => setScope('open')}
            >
              Open
            </Button>
            <Button
              variant={scope === 'all' ? 'primary' : 'secondary'}
              aria-pressed={scope === 'all'}
              onClick={() => setScope('all')}
            >
              All
            </Button>
          </div>
        }
      />
      <QueryState query={alerts}>{(data) => <AlertTable alerts={data.items} />}</QueryState>
    </div>
  );
}
