import type { PrinterLive } from '@farmhand/dashboard-messages';
import { useState, type FormEvent } from 'react';
import { Button, Section } from '../../components/ui';
import { canOnPrinter } from '../../lib/ability';
import { messageOf } from '../../lib/api';
import {
  JOG_STEPS_MM,
  PREHEAT_PRESETS,
  describeCommand,
  manualControlApplies,
  useControlCommand,
  type ControlCommand,
} from '../../lib/manual-control';
import { useOrg } from '../../lib/session';
import type { Printer } from '../../lib/api/views';

interface ConsoleLine {
  id: number;
  sent: string;
  answer: string | null;
  failed: boolean;
}

/** Console lines sent in this tab (ids; `crypto.randomUUID` needs a secure context, a LAN address over http is not). */
let consoleLines = 0;

/** The most console lines kept in the tab. */
const CONSOLE_LINES = 50;

/** What the agent answered, in a line: its result fields beyond `accepted`, or "ok" (command ids left out). */
function answerText(answer: unknown): string {
  if (!answer || typeof answer !== 'object') return 'ok';
  const record = answer as Record<string, unknown>;
  // `temperature` answers per heater: { tool: { commandId, result }, bed: { … } }.
  if (!('result' in record)) {
    const heaters = Object.keys(record).filter((key) => key === 'tool' || key === 'bed');
    return heaters.length ? `ok · ${heaters.map((key) => (key === 'tool' ? 'nozzle' : 'bed')).join(', ')}` : 'ok';
  }
  const result = record.result && typeof record.result === 'object' ? (record.result as Record<string, unknown>) : {};
  const fields = Object.entries(result).filter(([key]) => key !== 'accepted');
  return fields.length ? `ok · ${fields.map(([key, value]) => `${key} ${JSON.stringify(value)}`).join(', ')}` : 'ok';
}

/**
 * Manual control of an idle or paused printer: connect, home, jog with step sizes, preheat presets and cool down, a
 * G-code console with each command's answer. Every button goes through the server's control path (CASL on this
 * printer, audited, the agent's G-code blocklist); each part shows only with its permission.
 */
export function ManualControlSection({ printer, live }: { printer: Printer; live: PrinterLive }) {
  const { ability } = useOrg();
  const command = useControlCommand();
  const [step, setStep] = useState<number>(10);
  const [gcode, setGcode] = useState('');
  const [lines, setLines] = useState<ConsoleLine[]>([]);
  const may = (action: ControlCommand['type']) => canOnPrinter(ability, action, printer);
  const parts = (['connect', 'disconnect', 'home', 'jog', 'temperature', 'gcode'] as const).filter(may);
  if (!parts.length) return null;

  const send = (next: ControlCommand) => {
    const id = ++consoleLines;
    setLines((current) =>
      [...current, { id, sent: describeCommand(next), answer: null, failed: false }].slice(-CONSOLE_LINES),
    );
    command.mutate(
      { printerId: printer.id, command: next },
      {
        onSuccess: (answer) =>
          setLines((current) =>
            current.map((line) => (line.id === id ? { ...line, answer: answerText(answer) } : line)),
          ),
        onError: (error) =>
          setLines((current) =>
            current.map((line) => (line.id === id ? { ...line, answer: messageOf(error), failed: true } : line)),
          ),
      },
    );
  };
  const applies = (type: ControlCommand['type']) => manualControlApplies(type, live) && !command.isPending;
  const jog = (axis: 'x' | 'y' | 'z', sign: 1 | -1) => send({ type: 'jog', [axis]: sign * step });
  const submitGcode = (event: FormEvent) => {
    event.preventDefault();
    const sent = gcode
      .split(/[\n;]/)
      .map((line) => line.trim())
      .filter(Boolean);
    if (!sent.length) return;
    send({ type: 'gcode', lines: sent });
    setGcode('');
  };

  return (
    <Section title="Manual control">
      {!live.online ? (
        <p className="muted">The printer's agent is not connected.</p>
      ) : (
        !manualControlApplies('home', live) && (
          <p className="muted">Moves and heating wait until the printer is idle or paused.</p>
        )
      )}
      <div className="manual-control">
        {(may('connect') || may('disconnect')) && (
          <div className="control-group" role="group" aria-label="Connection">
            {may('connect') && (
              <Button disabled={!applies('connect')} onClick={() => send({ type: 'connect' })}>
                Connect
              </Button>
            )}
            {may('disconnect') && (
              <Button disabled={!applies('disconnect')} onClick={() => send({ type: 'disconnect' })}>
                Disconnect
              </Button>
            )}
          </div>
        )}
        {may('home') && (
          <div className="control-group" role="group" aria-label="Home">
            <Button disabled={!applies('home')} onClick={() => send({ type: 'home' })}>
              Home all
            </Button>
            {(['x', 'y', 'z'] as const).map((axis) => (
              <Button key={axis} disabled={!applies('home')} onClick={() => send({ type: 'home', axes: [axis] })}>
                Home {axis.toUpperCase()}
              </Button>
            ))}
          </div>
        )}
        {may('jog') && (
          <div className="control-group jog-pad" role="group" aria-label="Jog">
            <div className="jog-steps" role="radiogroup" aria-label="Step">
              {JOG_STEPS_MM.map((candidate) => (
                <label key={candidate} className="chip">
                  <input
                    type="radio"
                    name={`jog-step-${printer.id}`}
                    checked={step === candidate}
                    onChange={() => setStep(candidate)}
                  />
                  {candidate} mm
                </label>
              ))}
            </div>
            <div className="jog-buttons">
              {(['x', 'y', 'z'] as const).flatMap((axis) =>
                ([-1, 1] as const).map((sign) => (
                  <Button
                    key={`${axis}${sign}`}
                    disabled={!applies('jog')}
                    aria-label={`Jog ${axis.toUpperCase()} ${sign > 0 ? '+' : '−'}${step} mm`}
                    onClick={() => jog(axis, sign)}
                  >
                    {axis.toUpperCase()}
                    {sign > 0 ? '+' : '−'}
                  </Button>
                )),
              )}
            </div>
          </div>
        )}
        {may('temperature') && (
          <div className="control-group" role="group" aria-label="Preheat">
            {PREHEAT_PRESETS.map((preset) => (
              <Button
                key={preset.material}
                disabled={!applies('temperature')}
                title={`Nozzle ${preset.tool}°, bed ${preset.bed}°`}
                onClick={() => send({ type: 'temperature', tool: preset.tool, bed: preset.bed })}
              >
                Preheat {preset.material}
              </Button>
            ))}
            <Button disabled={!applies('temperature')} onClick={() => send({ type: 'temperature', tool: 0, bed: 0 })}>
              Cool down
            </Button>
          </div>
        )}
        {may('gcode') && (
          <form className="gcode-console" onSubmit={submitGcode} aria-label="G-code console">
            <ol className="console-log" aria-label="Console" aria-live="polite">
              {lines.length === 0 && <li className="muted">Commands and the printer's answers show here.</li>}
              {lines.map((line) => (
                <li key={line.id}>
                  <span className="mono">&gt; {line.sent}</span>
                  <span className={line.failed ? 'text-bad' : 'muted'}> {line.answer ?? '…'}</span>
                </li>
              ))}
            </ol>
            <div className="console-input">
              <input
                className="input mono"
                aria-label="G-code command"
                placeholder="M105; G28 X"
                maxLength={2000}
                value={gcode}
                onChange={(event) => setGcode(event.target.value)}
              />
              <Button type="submit" disabled={!applies('gcode') || !gcode.trim()}>
                Send
              </Button>
            </div>
          </form>
        )}
      </div>
    </Section>
  );
}
