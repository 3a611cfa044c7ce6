import { randomUUID } from 'node:crypto';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AgentsEventMap } from '@farmhand/agents';
import { PROTOCOL_VERSION } from '@farmhand/protocol';
import type { Hello, Status } from '@farmhand/protocol';
import type { ApiHarness, HttpClient } from '@farmhand/testing';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { OctoPrintClient } from '../../apps/agent/src/octoprint/octoprint.client';
import { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';

export const SIM_API_KEY = 'sim-key-for-agent-e2e';

export function startFarm(printers: number): Promise<OctoPrintFarm> {
  const farm = new OctoPrintFarm({ printers, timeScale: 20, apiKey: SIM_API_KEY });
  return farm.start().then(() => farm);
}

/** The real agent runtime against the simulator, with test-friendly (fast) reconnect and status cadence. */
export async function startAgent(serverUrl: string, farm: OctoPrintFarm, index: number, credential: string) {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const backend = new OctoPrintClient({ baseUrl: farm.url(index), apiKey: SIM_API_KEY, logger, pollIntervalMs: 200 });
  const runtime = new AgentRuntime({
    serverUrl,
    credential,
    backend,
    logger,
    backoff: { baseMs: 50, capMs: 400 },
    statusMinIntervalMs: 50,
    statusRoutineIntervalMs: 200,
    idleFrameIntervalSeconds: 0,
    frameIntervalSeconds: 3_600,
  });
  await runtime.start();
  return runtime;
}

/** Starts a (simulated-duration) print on a simulated printer directly, as someone at OctoPrint would. */
export function startPrint(farm: OctoPrintFarm, index: number, seconds = 6_000, name = 'benchy.gcode'): void {
  const text = `;TIME:${seconds}\n;LAYER_COUNT:40\nM140 S60\nM104 S210\nG28\nG1 X10 Y10 Z0.2\n`;
  farm.printer(index).addFile(name, Buffer.from(text));
  farm.printer(index).selectFile(name, true);
}

type Recorded = { [K in keyof AgentsEventMap]: { name: K; payload: AgentsEventMap[K] } }[keyof AgentsEventMap];

/** Records the agents' domain events of one api instance. */
export class EventLog {
  readonly entries: Recorded[] = [];

  constructor(api: ApiHarness) {
    const emitter = api.app.get(EventEmitter2);
    for (const name of [
      'printer.online',
      'printer.offline',
      'printer.stateChanged',
      'printer.printEvent',
      'printer.status',
    ] as const) {
      emitter.on(name, (payload: unknown) => {
        this.entries.push({ name, payload } as Recorded);
      });
    }
  }

  of<K extends keyof AgentsEventMap>(name: K, printerId?: string): Array<AgentsEventMap[K]> {
    return this.entries
      .filter((entry) => entry.name === name && (!printerId || entry.payload.printerId === printerId))
      .map((entry) => entry.payload as AgentsEventMap[K]);
  }
}

export function liveOf(client: HttpClient, orgId: string, printerId: string) {
  return client.get(`/api/orgs/${orgId}/printers/${printerId}/live`);
}

export function act(client: HttpClient, orgId: string, printerId: string, action: string, body: unknown = {}) {
  return client.post(`/api/orgs/${orgId}/printers/${printerId}/actions/${action}`, body);
}

/** A client that signs requests to another api instance with the same session. */
export function sameSessionOn(client: HttpClient, api: ApiHarness): HttpClient {
  const other = api.client();
  const session = client.cookie('fh_session');
  if (session) other.setCookie('fh_session', session);
  return other;
}

export function hello(overrides: Partial<Hello> = {}): Hello {
  return {
    protocolVersion: PROTOCOL_VERSION,
    agentVersion: '0.0.0-test',
    backend: 'octoprint',
    backendVersion: '1.10.2',
    capabilities: ['pause', 'resume', 'cancel'],
    startedAt: Date.now(),
    ...overrides,
  };
}

export function status(overrides: Partial<Status> = {}): Status {
  return {
    state: 'operational',
    stateText: 'Operational',
    backend: 'ok',
    temperatures: { tool0: { actual: 21, target: 0 }, bed: { actual: 21, target: 0 } },
    job: null,
    progress: null,
    printTime: null,
    printTimeLeft: null,
    z: null,
    error: null,
    sentAt: Date.now(),
    ...overrides,
  };
}

/** A hand-driven agent socket (what a misbehaving or hostile agent could send). */
export function rawAgent(
  serverUrl: string,
  options: { credential?: string; path?: string; headers?: Record<string, string> } = {},
): Socket {
  return io(`${serverUrl}${options.path ?? '/agent'}`, {
    auth: options.credential ? { credential: options.credential } : {},
    extraHeaders: options.headers,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** Resolves when the socket connects; rejects with the server's refusal. */
export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

export function refusal(socket: Socket): Promise<Error & { data?: { code?: string } }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the server accepted the connection')));
    socket.once('connect_error', (error) => resolve(error as Error & { data?: { code?: string } }));
  });
}

export function newEventId(): string {
  return randomUUID();
}
