import { useQuery } from '@tanstack/react-query';
import type { PrinterLive } from '@farmhand/dashboard-messages';
import { client, unwrap } from '../../lib/api';
import type { Printer } from '../../lib/api/views';
import { Section } from '../../components/ui';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';

const KIND_LABELS: Record<string, string> = {
  octoprint: 'OctoPrint',
  moonraker: 'Klipper (Moonraker)',
  prusalink: 'Prusa Link',
  bambu: 'Bambu Lab (LAN)',
};

const FORMAT_LABELS: Record<string, string> = {
  gcode: 'G-code',
  bgcode: 'Binary G-code (.bgcode)',
  '3mf': 'Project 3MF',
};

/** AMS slot 0-15 as the printer's screen names it: AMS 1-4, tray 1-4; 254 is Bambu's external spool. */
const slotLabel = (slot: number) =>
  slot === 254
    ? 'External spool'
    : slot < 16
      ? `AMS ${Math.floor(slot / 4) + 1} slot ${(slot % 4) + 1}`
      : `Slot ${slot}`;

/**
 * What kind of printer this is (the backend its agent drives, from the agent's hello), the formats it prints, and
 * its AMS/MMU filament slots from the live status. Read again whenever the live state changes.
 */
export function KindSection({ printer, live }: { printer: Printer; live: PrinterLive }) {
  const { org, ability } = useOrg();
  const state = useQuery({
    queryKey: [...queryKeys.org(org.id).printer(printer.id), 'live', live.online, live.state],
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/printers/{printerId}/live', {
          params: { path: { orgId: org.id, printerId: printer.id } },
        }),
      ),
    refetchInterval: live.online ? 10_000 : false,
  });
  // Remaining filament is known only for a tracked spool loaded in the slot (the scheduler matches by the same slot).
  const mayReadSpools = ability.can('read', 'Spool');
  const spools = useQuery({
    queryKey: [...queryKeys.org(org.id).spools, 'printer', printer.id],
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/spools', {
          params: { path: { orgId: org.id }, query: { printerId: printer.id } },
        }),
      ),
    enabled: mayReadSpools,
  });
  const remainingIn = (slot: number) =>
    spools.data?.items.find((spool) => spool.slot === slot && spool.printerId === printer.id)?.remainingGrams;
  const agent = state.data?.live?.agent ?? null;
  const slots = state.data?.live?.status?.filamentSlots ?? [];
  const formats = printer.uploadFormats;
  return (
    <Section title="Printer kind and filament">
      <dl className="facts" aria-label="Printer kind">
        <dt>Kind</dt>
        <dd>{agent ? (KIND_LABELS[agent.backend] ?? agent.backend) : 'not known while its agent is away'}</dd>
        {agent?.backendVersion && (
          <>
            <dt>Firmware</dt>
            <dd>{agent.backendVersion}</dd>
          </>
        )}
        <dt>Prints</dt>
        <dd>
          {formats?.length
            ? formats.map((format) => FORMAT_LABELS[format] ?? format).join(', ')
            : 'G-code (its agent has not said more yet)'}
        </dd>
      </dl>
      {slots.length > 0 ? (
        <table className="table" aria-label="Filament slots">
          <thead>
            <tr>
              <th scope="col">Slot</th>
              <th scope="col">Material</th>
              <th scope="col">Colour</th>
              <th scope="col">Remaining</th>
            </tr>
          </thead>
          <tbody>
            {slots.map((slot) => (
              <tr key={slot.slot}>
                <td>{slotLabel(slot.slot)}</td>
                <td>{slot.material ?? 'empty or unknown'}</td>
                <td>
                  <span
                    className="swatch"
                    aria-hidden="true"
                    style={{
                      background: slot.colorHex ?? 'transparent',
                      display: 'inline-block',
                      width: 12,
                      height: 12,
                      marginRight: 6,
                    }}
                  />
                  {slot.colorHex ?? '—'}
                </td>
                <td className="numeric">
                  {remainingIn(slot.slot) != null ? `${Math.round(remainingIn(slot.slot)!)} g` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No AMS or MMU slots reported.</p>
      )}
    </Section>
  );
}
