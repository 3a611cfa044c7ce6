import { useState, type FormEvent } from 'react';
import { Button, SelectInput, TextInput } from '../../components/ui';
import type { SpoolView } from '../../lib/api/views';
import { useLive } from '../../lib/live';

/** Which printer and slot to load a spool in (the page a spool label's QR code opens, on a phone). */
export function LoadSpoolForm({
  spool,
  busy,
  onLoad,
}: {
  spool: SpoolView;
  busy: boolean;
  onLoad: (printerId: string, slot: number) => void;
}) {
  const { printers } = useLive();
  const [printerId, setPrinterId] = useState(spool.printerId ?? '');
  const [slot, setSlot] = useState(String(spool.slot ?? 0));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onLoad(printerId, Number(slot));
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label={`Load ${spool.material} ${spool.colorName ?? ''}`}>
      <div className="form-grid form-grid-3">
        <SelectInput label="Printer" value={printerId} onChange={(event) => setPrinterId(event.target.value)}>
          <option value="">Choose a printer</option>
          {printers.map((printer) => (
            <option key={printer.id} value={printer.id}>
              {printer.name}
            </option>
          ))}
        </SelectInput>
        <TextInput
          label="Slot (0 without an AMS/MMU)"
          inputMode="numeric"
          value={slot}
          onChange={(event) => setSlot(event.target.value)}
        />
      </div>
      <div>
        <Button type="submit" variant="primary" busy={busy} disabled={!printerId}>
          Load spool
        </Button>
      </div>
    </form>
  );
}
