import { randomUUID } from 'node:crypto';
import { SESSION_COOKIE } from '@farmhand/accounts';
import { DASHBOARD_EVENTS, DASHBOARD_NAMESPACE, type ResyncMessage } from '@farmhand/dashboard';
import type { ProtocolError } from '@farmhand/protocol';
import { io, type Socket } from 'socket.io-client';
import { hello, status } from '../agents/agent-harness';
import { CALLER_NAMES, CALLERS, holds, type CallerName } from './matrix/matrix-callers';
import { MATRIX_ROWS } from './matrix/matrix-routes';
import { MatrixWorld, type Place } from './matrix/matrix-world';

type Refusal = Error & { data?: { code?: string } };

/** What each agent message looks like when it is valid (what the agent at a printer sends). */
const VALID_MESSAGES: Record<string, () => unknown> = {
  camera_frame: () => ({ seq: 0, capturedAt: Date.now(), jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) }),
  hello: () => hello(),
  status: () => status(),
  event: () => ({ id: randomUUID(), type: 'print.paused', at: Date.now(), job: null }),
  command_result: () => ({ id: randomUUID(), ok: true, finishedAt: Date.now() }),
  protocol_error: () => ({ code: 'malformed', message: 'test' }),
};

/**
 * The socket.io handlers of the route → policy snapshot, as every caller. `/dashboard`: who may open it, and whether
 * the printer of each place is in the resync it sends. `/agent`: only a printer's own credential opens it, and its
 * messages are accepted.
 */
describe('authorization matrix: sockets', () => {
  let world: MatrixWorld;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    world = await MatrixWorld.start();
  }, 240_000);
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await world?.close();
  });

  /** The caller's credential as a browser (cookie) or a script (`auth.token` / `auth.credential`) presents it. */
  function open(namespace: string, caller: CallerName): Socket {
    const client = world.callers[caller];
    const session = client.cookie(SESSION_COOKIE);
    const auth: Record<string, string> = namespace === DASHBOARD_NAMESPACE ? { orgId: world.orgA.id } : {};
    if (client.bearer) auth[namespace === DASHBOARD_NAMESPACE ? 'token' : 'credential'] = client.bearer;
    const socket = io(`${world.api.url}${namespace}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth,
      extraHeaders: session ? { cookie: `${SESSION_COOKIE}=${session}` } : {},
    });
    sockets.push(socket);
    return socket;
  }

  /** Resolves with the refusal's code, or with the first message `event` once connected. */
  function first<T>(socket: Socket, event: string): Promise<{ refused: string | undefined } | { message: T }> {
    return new Promise((resolve) => {
      socket.once('connect_error', (error: Refusal) => resolve({ refused: error.data?.code ?? error.message }));
      socket.once(event, (message: T) => resolve({ message }));
    });
  }

  const dashboardRow = MATRIX_ROWS.find((row) => row.route === `WS ${DASHBOARD_NAMESPACE} printers.requestResync`)!;
  /** Whether the caller's resync must carry the printer in `place`. */
  const seesPrinter = (caller: CallerName, place: Place) =>
    place === 'fleet' || (place === 'otherFleet' && !CALLERS[caller].fleetLimited);

  function dashboardRefusal(caller: CallerName): string | null {
    const who = CALLERS[caller];
    if (who.kind === 'anonymous') return 'unauthenticated';
    if (who.kind === 'outsider') return 'organization_not_found';
    if (who.kind === 'agent' || !holds(caller, dashboardRow.policy)) return 'forbidden';
    return null;
  }

  describe(dashboardRow.route, () => {
    for (const place of dashboardRow.places) {
      for (const caller of CALLER_NAMES) {
        const refusal = dashboardRefusal(caller);
        const expected = refusal ?? (seesPrinter(caller, place) ? 'the printer in its resync' : 'a resync without it');
        it(`${caller}, printer ${place === 'fleet' ? "in the caller's fleet" : place === 'otherFleet' ? 'in another fleet' : 'in another organization'} -> ${expected}`, async () => {
          const socket = open(DASHBOARD_NAMESPACE, caller);
          const answer = await first<ResyncMessage>(socket, DASHBOARD_EVENTS.resync);
          if (refusal) {
            expect(answer).toEqual({ refused: refusal });
            return;
          }
          if (!('message' in answer)) throw new Error(`refused: ${answer.refused}`);
          const ack = await socket.timeout(5_000).emitWithAck(DASHBOARD_EVENTS.requestResync);
          expect(ack).toEqual({ ok: true });
          const printerId = world.where(place).printerId;
          expect(answer.message.printers.some((printer) => printer.id === printerId)).toBe(seesPrinter(caller, place));
          socket.disconnect();
        });
      }
    }
  });

  for (const row of MATRIX_ROWS.filter((candidate) =>
    candidate.route.startsWith(`WS ${DASHBOARD_NAMESPACE} camera.`),
  )) {
    const event = row.route.split(' ')[2]!;
    describe(row.route, () => {
      for (const place of row.places) {
        for (const caller of CALLER_NAMES) {
          const refusal = dashboardRefusal(caller);
          const watching = event === DASHBOARD_EVENTS.cameraWatch;
          const wall = event === DASHBOARD_EVENTS.cameraWall;
          const expected =
            refusal ??
            (wall
              ? seesPrinter(caller, place)
                ? 'a tile of the printer'
                : 'a wall without it'
              : !watching
                ? 'ok'
                : seesPrinter(caller, place)
                  ? 'allowed to watch'
                  : 'printer_not_found');
          it(`${caller}, printer in ${place} -> ${expected}`, async () => {
            const socket = open(DASHBOARD_NAMESPACE, caller);
            const answer = await first<ResyncMessage>(socket, DASHBOARD_EVENTS.resync);
            if (refusal) {
              expect(answer).toEqual({ refused: refusal });
              return;
            }
            const printerId = world.where(place).printerId;
            const ack = (await socket
              .timeout(5_000)
              .emitWithAck(event, wall ? { printerIds: [printerId] } : { printerId })) as {
              ok: boolean;
              error?: { code: string };
              printerIds?: string[];
            };
            if (wall)
              expect(ack).toMatchObject({ ok: true, printerIds: seesPrinter(caller, place) ? [printerId] : [] });
            else if (!watching) expect(ack).toEqual({ ok: true });
            else if (seesPrinter(caller, place)) expect(ack).toMatchObject({ ok: true });
            else expect(ack).toMatchObject({ ok: false, error: { code: 'printer_not_found' } });
            socket.disconnect();
          });
        }
      }
    });
  }

  for (const row of MATRIX_ROWS.filter((candidate) => candidate.route.startsWith('WS /agent '))) {
    const message = row.route.split(' ')[2]!;
    describe(row.route, () => {
      for (const caller of CALLER_NAMES) {
        const admitted = CALLERS[caller].kind === 'agent';
        it(`${caller} -> ${admitted ? 'its message accepted' : 'refused at the handshake'}`, async () => {
          const socket = open('/agent', caller);
          const connected = new Promise<string | null>((resolve) => {
            socket.once('connect', () => resolve(null));
            socket.once('connect_error', (error: Refusal) => resolve(error.data?.code ?? error.message));
          });
          if (!admitted) {
            expect(await connected).toBe('unauthorized');
            return;
          }
          expect(await connected).toBeNull();
          // Messages are screened in order: the first refusal must be the unknown one sent last, not this message.
          const refused = new Promise<ProtocolError>((resolve) => socket.once('protocol_error', resolve));
          if (message !== 'hello') socket.emit('hello', hello());
          socket.emit(message, VALID_MESSAGES[message]!());
          socket.emit('not_a_message', {});
          expect(await refused).toMatchObject({ code: 'unknown_event', event: 'not_a_message' });
          socket.disconnect();
        });
      }
    });
  }
});
