import { Inject, UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { AuthenticatorRegistry, CheckPolicies, type AgentPrincipal } from '@farmhand/authz';
import { DomainEvents, LOGGER, RateLimiter, type RateLimit } from '@farmhand/core';
import { AGENT_EVENTS, AGENT_NAMESPACE, SERVER_EVENTS, parseAgentMessage } from '@farmhand/protocol';
import type { AgentEvent, CameraFrame, CommandResult, Hello, ProtocolError, Status } from '@farmhand/protocol';
import type { Logger } from 'pino';
import type { Event as SocketPacket, Namespace, Socket } from 'socket.io';
import { AGENT_LIMITS } from '../agents.limits';
import { AgentCommandBus } from '../control/agent-command.bus';
import { AgentConnectionsService } from './agent-connections.service';
import { AgentExceptionsFilter } from './agent-exceptions.filter';
import { credentialInUrl, handshakeCredentials } from './agent-handshake';
import type { AgentSession } from './agent-session';
import { AgentStats } from './agent-stats.service';

type Refusal = Error & { data: { code: string } };

/** Handshakes per printer: a reconnect loop is slowed, a fleet coming back after an outage is not. */
const AGENT_CONNECT_LIMIT: RateLimit = {
  name: 'agent-connect',
  points: AGENT_LIMITS.connectsPerMinute,
  durationSeconds: 60,
  whenRedisDown: 'memory',
};

function refusal(message: string, code: string): Refusal {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * `/agent`: one socket per printer agent. The credential is checked at the handshake and names exactly one
 * printer; every message is throttled and validated (`parseAgentMessage`) before a handler sees it, and refused
 * ones are answered with `protocol_error` and dropped.
 */
@WebSocketGateway({ namespace: AGENT_NAMESPACE })
@UseFilters(AgentExceptionsFilter)
export class AgentGateway
  implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket>
{
  private namespace!: Namespace;

  constructor(
    private readonly authenticators: AuthenticatorRegistry,
    private readonly rateLimiter: RateLimiter,
    private readonly connections: AgentConnectionsService,
    private readonly bus: AgentCommandBus,
    private readonly stats: AgentStats,
    private readonly events: DomainEvents,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    this.connections.bind(namespace);
    namespace.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => next(error as Error),
      );
    });
    this.bus.attach(namespace);
  }

  handleConnection(socket: Socket): void {
    const principal = (socket.data as { principal?: AgentPrincipal }).principal;
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    const session = this.connections.attach(socket, principal);
    socket.use((packet, next) => this.screen(socket, session, packet, next));
    void session.run(() =>
      this.connections.open(this.namespace, socket, session).catch((error: unknown) => {
        // Without presence the socket would be deaf to commands: close it, the agent retries with backoff.
        this.logger.error({ err: error, printerId: principal.printerId }, 'agent connection setup failed');
        socket.disconnect(true);
      }),
    );
  }

  handleDisconnect(socket: Socket): void {
    const session = this.connections.detach(socket.id);
    if (session) void session.run(() => this.connections.close(socket, session));
  }

  @SubscribeMessage(AGENT_EVENTS.hello)
  @CheckPolicies(['report', 'Printer'])
  onHello(@ConnectedSocket() socket: Socket, @MessageBody() hello: Hello): void {
    this.enqueue(socket, (session) => this.connections.hello(socket, session, hello));
  }

  @SubscribeMessage(AGENT_EVENTS.status)
  @CheckPolicies(['report', 'Printer'])
  onStatus(@ConnectedSocket() socket: Socket, @MessageBody() status: Status): void {
    this.enqueue(socket, (session) => this.connections.status(socket, session, status));
  }

  @SubscribeMessage(AGENT_EVENTS.event)
  @CheckPolicies(['report', 'Printer'])
  onEvent(@ConnectedSocket() socket: Socket, @MessageBody() event: AgentEvent): void {
    this.enqueue(socket, (session) => this.connections.event(session, event));
  }

  /** Results normally come back through the emit's acknowledgement; a late or unsolicited one is only noted. */
  @SubscribeMessage(AGENT_EVENTS.commandResult)
  @CheckPolicies(['report', 'Printer'])
  onCommandResult(@ConnectedSocket() socket: Socket, @MessageBody() result: CommandResult): void {
    this.stats.message(AGENT_EVENTS.commandResult, 'accepted');
    const printerId = this.connections.session(socket.id)?.printerId;
    this.logger.info({ printerId, commandId: result.id, ok: result.ok }, 'command result without acknowledgement');
  }

  /**
   * Live camera frames skip the socket's work queue (a frame must not wait behind database work, and a late one is
   * worthless); the printer and organization come from the credential, never from the message.
   */
  @SubscribeMessage(AGENT_EVENTS.cameraFrame)
  @CheckPolicies(['report', 'Printer'])
  onCameraFrame(@ConnectedSocket() socket: Socket, @MessageBody() frame: CameraFrame): void {
    const session = this.connections.session(socket.id);
    if (!session?.opened || session.abusive) return;
    this.stats.message(AGENT_EVENTS.cameraFrame, 'accepted');
    this.events.emit('printer.cameraFrame', {
      orgId: session.orgId,
      printerId: session.printerId,
      seq: frame.seq,
      capturedAt: frame.capturedAt,
      jpeg: frame.jpeg,
    });
  }

  @SubscribeMessage(AGENT_EVENTS.protocolError)
  @CheckPolicies(['report', 'Printer'])
  onProtocolError(@ConnectedSocket() socket: Socket, @MessageBody() error: ProtocolError): void {
    this.stats.message(AGENT_EVENTS.protocolError, 'accepted');
    const printerId = this.connections.session(socket.id)?.printerId;
    this.logger.warn({ printerId, code: error.code, event: error.event }, 'agent refused a server message');
  }

  private async authenticate(socket: Socket): Promise<void> {
    // A stopping instance takes no new agents; the refusal is not a credential problem, so the agent retries soon.
    if (this.connections.draining) throw refusal('server closing', 'server_closing');
    if (credentialInUrl(socket.handshake)) {
      this.logger.warn('agent handshake refused: credential in the URL');
      throw refusal('unauthorized', 'credential_in_url');
    }
    let principal: AgentPrincipal;
    try {
      const found = await this.authenticators.authenticate(handshakeCredentials(socket.handshake));
      if (!found || found.principal.kind !== 'agent') throw refusal('unauthorized', 'unauthorized');
      principal = found.principal;
    } catch (error) {
      if ((error as Partial<Refusal>).data) throw error;
      this.logger.error({ err: error }, 'agent handshake failed');
      throw refusal('unavailable', 'unavailable');
    }
    const limit = await this.rateLimiter.consume(AGENT_CONNECT_LIMIT, principal.printerId);
    if (!limit.allowed) throw refusal('rate_limited', 'rate_limited');
    // The policy guard reads the principal here for every message handler.
    (socket.data as { principal?: AgentPrincipal }).principal = principal;
  }

  /** Runs before any handler: throttles, validates, and hands handlers the parsed message only. */
  private screen(socket: Socket, session: AgentSession, packet: SocketPacket, next: (error?: Error) => void): void {
    const now = Date.now();
    const [event, payload] = packet;
    if (!session.throttle.admit(event, now)) {
      this.refuse(socket, session, now, {
        code: 'rate_limited',
        message: 'too many messages; slow down',
        ...(typeof event === 'string' ? { event: event.slice(0, 64) } : {}),
      });
      return;
    }
    const parsed = parseAgentMessage(event, payload);
    if (!parsed.ok) {
      this.refuse(socket, session, now, parsed.error);
      return;
    }
    // Handlers get the validated, stripped message; extra arguments (an acknowledgement) are dropped.
    packet.length = 1;
    packet.push(parsed.value.data);
    next();
  }

  private refuse(socket: Socket, session: AgentSession, now: number, error: ProtocolError): void {
    this.stats.message(error.event ?? 'unknown', error.code === 'rate_limited' ? 'throttled' : 'refused');
    if (session.throttle.violation(now)) {
      this.disconnectAbusive(socket, session, error.code);
      return;
    }
    // Never answer an error with an error: two confused peers would ping-pong forever.
    if (error.event === AGENT_EVENTS.protocolError) return;
    if (error.code === 'rate_limited' && !session.throttle.shouldNotify(now)) return;
    socket.emit(SERVER_EVENTS.protocolError, error);
  }

  private disconnectAbusive(socket: Socket, session: AgentSession, lastCode: string): void {
    if (session.abusive) return;
    session.abusive = true;
    this.stats.abusiveDisconnect();
    this.logger.warn({ printerId: session.printerId, lastCode }, 'agent disconnected for sustained abuse');
    socket.emit(SERVER_EVENTS.protocolError, {
      code: 'rate_limited',
      message: 'too many refused messages; disconnecting',
    } satisfies ProtocolError);
    void session.run(() => this.connections.recordAbuse(session, lastCode));
    socket.disconnect(true);
  }

  private enqueue(socket: Socket, task: (session: AgentSession) => Promise<void>): void {
    const session = this.connections.session(socket.id);
    if (session && !session.abusive) void session.run(() => task(session));
  }
}
