import type { DashboardPrinter } from '@farmhand/dashboard-messages';
import { client, messageOf, unwrap } from './api';
import { useApiMutation } from './mutations';
import { useOrg } from './session';

/** Preheat targets per material (°C): common starting points, the printer's own limits still apply on the agent. */
export const PREHEAT_PRESETS = [
  { material: 'PLA', tool: 210, bed: 60 },
  { material: 'PETG', tool: 240, bed: 80 },
  { material: 'ABS', tool: 250, bed: 100 },
  { material: 'TPU', tool: 225, bed: 50 },
] as const;

export const JOG_STEPS_MM = [0.1, 1, 10, 50] as const;

/** One manual command; every one goes through the server's control path (CASL on the printer, audited). */
export type ControlCommand =
  | { type: 'home'; axes?: Array<'x' | 'y' | 'z'> }
  | { type: 'jog'; x?: number; y?: number; z?: number }
  | { type: 'temperature'; tool?: number; bed?: number }
  | { type: 'gcode'; lines: string[] }
  | { type: 'connect' }
  | { type: 'disconnect' };

export const COMMAND_LABELS: Record<ControlCommand['type'], string> = {
  home: 'Home',
  jog: 'Jog',
  temperature: 'Temperature',
  gcode: 'G-code',
  connect: 'Connect',
  disconnect: 'Disconnect',
};

/** Manual moves and heating are for an idle or paused printer, never in the middle of a print. */
export function manualControlApplies(command: ControlCommand['type'], live: DashboardPrinter['live']): boolean {
  // Without the agent nothing reaches the printer; with it, `offline` means OctoPrint is not connected to it.
  if (!live.online) return false;
  if (command === 'connect') return live.state === 'offline' || live.state === 'error' || live.state === 'unknown';
  if (command === 'disconnect') return !['printing', 'pausing', 'paused', 'cancelling'].includes(live.state);
  return ['operational', 'paused'].includes(live.state);
}

export function describeCommand(command: ControlCommand): string {
  switch (command.type) {
    case 'home':
      return `Home ${(command.axes ?? ['x', 'y', 'z']).join(' ').toUpperCase()}`;
    case 'jog':
      return `Jog ${(['x', 'y', 'z'] as const)
        .filter((axis) => command[axis] !== undefined)
        .map((axis) => `${axis.toUpperCase()}${command[axis]! > 0 ? '+' : ''}${command[axis]} mm`)
        .join(' ')}`;
    case 'temperature':
      return command.tool === 0 && command.bed === 0
        ? 'Cool down'
        : `Heat nozzle ${command.tool ?? '—'}°, bed ${command.bed ?? '—'}°`;
    case 'gcode':
      return command.lines.join(' · ');
    default:
      return COMMAND_LABELS[command.type];
  }
}

/** Sends one command to one printer and returns the agent's answer (what the printer side said). */
export async function sendCommand(orgId: string, printerId: string, command: ControlCommand): Promise<unknown> {
  const path = { orgId, printerId };
  switch (command.type) {
    case 'home':
      return unwrap(
        client.POST('/api/orgs/{orgId}/printers/{printerId}/actions/home', {
          params: { path },
          body: { axes: command.axes ?? ['x', 'y', 'z'] },
        }),
      );
    case 'jog': {
      const { type: _type, ...moves } = command;
      return unwrap(
        client.POST('/api/orgs/{orgId}/printers/{printerId}/actions/jog', {
          params: { path },
          body: { ...moves, absolute: false },
        }),
      );
    }
    case 'temperature': {
      const { type: _type, ...body } = command;
      return unwrap(
        client.POST('/api/orgs/{orgId}/printers/{printerId}/actions/temperature', { params: { path }, body }),
      );
    }
    case 'gcode':
      return unwrap(
        client.POST('/api/orgs/{orgId}/printers/{printerId}/actions/gcode', {
          params: { path },
          body: { lines: command.lines },
        }),
      );
    case 'connect':
      return unwrap(
        client.POST('/api/orgs/{orgId}/printers/{printerId}/actions/connect', { params: { path }, body: {} }),
      );
    case 'disconnect':
      return unwrap(client.POST('/api/orgs/{orgId}/printers/{printerId}/actions/disconnect', { params: { path } }));
  }
}

/** One command to one printer; the caller shows the answer (the console) or the refusal. */
export function useControlCommand() {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: ({ printerId, command }: { printerId: string; command: ControlCommand }) =>
      sendCommand(org.id, printerId, command),
  });
}

export interface BulkControlResult {
  command: ControlCommand;
  succeeded: number;
  failed: Array<{ name: string; message: string }>;
}

/** One manual command to many printers, a few at a time; refusals per printer. */
export function useBulkControlCommand(concurrency = 6) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: async ({
      printers,
      command,
    }: {
      printers: Array<Pick<DashboardPrinter, 'id' | 'name'>>;
      command: ControlCommand;
    }): Promise<BulkControlResult> => {
      const result: BulkControlResult = { command, succeeded: 0, failed: [] };
      let next = 0;
      const worker = async () => {
        while (next < printers.length) {
          const printer = printers[next++]!;
          try {
            await sendCommand(org.id, printer.id, command);
            result.succeeded++;
          } catch (error) {
            result.failed.push({ name: printer.name, message: messageOf(error) });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, printers.length) }, worker));
      return result;
    },
  });
}
