import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, EmptyState, PageHeader, Section } from '../../components/ui';
import type { SpoolView } from '../../lib/api/views';
import { useLive } from '../../lib/live';
import { useLocation } from '../../lib/router';
import { useOrg } from '../../lib/session';
import { downloadText } from '../../lib/upload';
import { CreateSpoolForm } from './create-spool-form';
import { LoadSpoolForm } from './load-spool-form';
import { spoolLabelsPage } from './spool-labels';
import { SpoolmanSection } from './spoolman-section';
import { useSpoolChange, useSpoolmanStatus, useSpools } from './spools.queries';

/** The spool inventory: what is loaded where, how much is left, labels to print, loading from a label's QR code. */
export function SpoolsPage() {
  const { org, ability } = useOrg();
  const { search } = useLocation();
  const spools = useSpools();
  const { byId } = useLive();
  const feedback = useFeedback();
  const change = useSpoolChange(feedback);
  const [loading, setLoading] = useState<string | null>(search.get('load'));
  const mayLoad = ability.can('load', 'Spool');
  const fromSpoolman = useSpoolmanStatus().data?.configured ?? false;

  const printLabels = async (items: SpoolView[]) => {
    downloadText('spool-labels.html', await spoolLabelsPage(window.location.origin, org.id, items), 'text/html');
  };

  return (
    <div className="page">
      <PageHeader
        title="Spools"
        subtitle="Filament on hand and on printers; the queue prints only what the spools can hold."
      />
      <FeedbackNotice feedback={feedback} />
      <SpoolmanSection />
      {ability.can('create', 'Spool') && !fromSpoolman && (
        <Section title="Add a spool">
          <CreateSpoolForm />
        </Section>
      )}
      <QueryState query={spools}>
        {({ items }) => {
          const toLoad = items.find((spool) => spool.id === loading);
          return (
            <>
              {toLoad && mayLoad && (
                <Section title={`Load ${toLoad.material}${toLoad.colorName ? ` ${toLoad.colorName}` : ''}`}>
                  <LoadSpoolForm
                    spool={toLoad}
                    busy={change.isPending}
                    onLoad={(printerId, slot) => {
                      change.mutate({ action: 'load', spool: toLoad, printerId, slot });
                      setLoading(null);
                    }}
                  />
                </Section>
              )}
              <Section
                title="Inventory"
                actions={items.length > 0 && <Button onClick={() => void printLabels(items)}>Print labels</Button>}
              >
                {items.length === 0 ? (
                  <EmptyState title="No spools" />
                ) : (
                  <div className="table-wrap">
                    <table className="table table-dense">
                      <thead>
                        <tr>
                          <th scope="col">Spool</th>
                          <th scope="col">Left</th>
                          <th scope="col">Loaded on</th>
                          <th scope="col">
                            <span className="visually-hidden">Actions</span>
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {items.map((spool) => (
                          <tr key={spool.id}>
                            <td>
                              <span
                                className="swatch"
                                aria-hidden="true"
                                style={{
                                  background: spool.colorHex ?? 'transparent',
                                  display: 'inline-block',
                                  width: 12,
                                  height: 12,
                                  marginRight: 6,
                                }}
                              />
                              <span className="strong">
                                {spool.material}
                                {spool.colorName ? ` ${spool.colorName}` : ''}
                              </span>
                              <div className="muted small">
                                {[spool.vendor, spool.lot && `lot ${spool.lot}`, spool.location]
                                  .filter(Boolean)
                                  .join(' · ')}
                              </div>
                            </td>
                            <td>
                              <span className={`status ${spool.lowStock ? 'status-bad' : 'status-ok'}`}>
                                {Math.round(spool.remainingGrams)} g
                              </span>{' '}
                              <span className="muted small">of {spool.initialGrams} g</span>
                            </td>
                            <td>
                              {spool.printerId ? (
                                `${byId.get(spool.printerId)?.name ?? 'a printer'}, slot ${spool.slot}`
                              ) : (
                                <span className="muted">not loaded</span>
                              )}
                            </td>
                            <td className="row-actions">
                              <Button variant="ghost" onClick={() => void printLabels([spool])}>
                                Label
                              </Button>
                              {mayLoad && <Button onClick={() => setLoading(spool.id)}>Load</Button>}
                              {mayLoad && spool.printerId && (
                                <Button onClick={() => change.mutate({ action: 'unload', spool })}>Unload</Button>
                              )}
                              {ability.can('delete', 'Spool') && spool.spoolmanId == null && (
                                <Button variant="danger" onClick={() => change.mutate({ action: 'archive', spool })}>
                                  Archive
                                </Button>
                              )}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </Section>
            </>
          );
        }}
      </QueryState>
    </div>
  );
}
