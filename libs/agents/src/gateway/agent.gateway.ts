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
import { AuthenticatorRegistry, CheckPolicies, defineAbilityFor, type AgentPrincipal } from '@farmhand/authz';
import { DomainEvents, LOGGER, RateLimiter, type RateLimit } from '@farmhand/core';
import {
  AGENT_EVENTS,
  AGENT_NAMESPACE,
  GATEWAY_EVENTS,
  MAX_ATTACHMENTS_PER_SOCKET,
  MULTIPLEX_VERSION,
  SERVER_EVENTS,
  attachSchema,
  detachSchema,
  parseAgentMessage,
  printerEnvelopeSchema,
} from '@farmhand/protocol';
import type {
  AgentEvent,
  AgentMessage,
  AttachResult,
  CameraFrame,
  CommandResult,
  DetachReason,
  Hello,
  ProtocolError,
  Status,
} from '@farmhand/protocol';
import type { Logger } from 'pino';
import type { Event as SocketPacket, Namespace, Socket } from 'socket.io';
import { AGENT_LIMITS } from '../agents.limits';
import { AgentCommandBus, type DetachPrinterRequest } from '../control/agent-command.bus';
import { AttachmentChannel, SocketChannel } from './agent-channel';
import { AgentConnectionsService } from './agent-connections.service';
import { AgentExceptionsFilter } from './agent-exceptions.filter';
import { credentialInUrl, handshakeCredentials } from './agent-handshake';
import type { AgentSession } from './agent-session';
import { AgentStats } from './agent-stats.service';
import { MessageThrottle, TokenBucket } from './message-throttle';

type Refusal = Error & { data: { code: string } };

/** Handshakes per printer: a reconnect loop is slowed, a fleet coming back after an outage is not. */
const AGENT_CONNECT_LIMIT: RateLimit = {
  name: 'agent-connect',
  points: AGENT_LIMITS.connectsPerMinute,
  durationSeconds: 60,
  whenRedisDown: 'memory',
};

/** Multiplexed gateway handshakes per source address: a gateway reconnects once, not once per printer. */
const GATEWAY_CONNECT_LIMIT: RateLimit = {
  name: 'agent-gateway-connect',
  points: AGENT_LIMITS.gatewayConnectsPerMinute,
  durationSeconds: 60,
  whenRedisDown: 'memory',
};

/** A gateway's multiplexed socket: its attached printers, and its own allowance for refused envelopes. */
interface GatewaySocket {
  attachments: Map<string, AttachmentChannel>;
  /**
   * Printers whose attachment ended here lately, and when: their messages still in flight are refused without
   * counting against the gateway (a printer cut off for flooding must not take its gateway down with it).
   */
  ended: Map<string, number>;
  /** Counts what no printer can be blamed for: unattached printer ids, malformed envelopes, refused attaches. */
  throttle: MessageThrottle;
  /** Refused credentials this socket may present (a burst, then a few a second). */
  failedAttaches: TokenBucket;
  attachTimer: NodeJS.Timeout | null;
}

function refusal(message: string, code: string): Refusal {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * `/agent`: one socket per printer agent (protocol 1), or one multiplexed socket per farm gateway (protocol 2).
 * A single agent's credential is checked at the handshake and names exactly one printer; every message is throttled
 * and validated (`parseAgentMessage`) before a handler sees it, and refused ones are answered with `protocol_error`
 * and dropped. A gateway socket authenticates each printer with that printer's own credential in an `attach`
 * message; its `printer` envelopes are screened per attached printer (its own throttle, validation and `report
 * Printer` policy) and handed to the same connection service, so presence, audit and limits stay per printer.
 */
@WebSocketGateway({ namespace: AGENT_NAMESPACE })
@UseFilters(AgentExceptionsFilter)
export class AgentGateway
  implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket>
{
  private namespace!: Namespace;
  private readonly gateways = new Map<string, GatewaySocket>();

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
    this.bus.onDetachRequest((request) => this.detachRequested(request));
  }

  handleConnection(socket: Socket): void {
    const data = socket.data as { principal?: AgentPrincipal; multiplex?: boolean };
    if (data.multiplex) {
      this.openGateway(socket);
      return;
    }
    const principal = data.principal;
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    const session = this.connections.attach(new SocketChannel(socket, principal.printerId), principal);
    socket.use((packet, next) => this.screen(socket, session, packet, next));
    void session.run(() =>
      this.connections.open(this.namespace, session).catch((error: unknown) => {
        // Without presence the socket would be deaf to commands: close it, the agent retries with backoff.
        this.logger.error({ err: error, printerId: principal.printerId }, 'agent connection setup failed');
        socket.disconnect(true);
      }),
    );
  }

  handleDisconnect(socket: Socket): void {
    const gateway = this.gateways.get(socket.id);
    if (gateway) {
      this.gateways.delete(socket.id);
      if (gateway.attachTimer) clearTimeout(gateway.attachTimer);
      for (const channel of [...gateway.attachments.values()]) channel.end('failed');
      return;
    }
    const session = this.connections.detach(socket.id);
    if (session) void session.run(() => this.connections.close(session));
  }

  @SubscribeMessage(AGENT_EVENTS.hello)
  @CheckPolicies(['report', 'Printer'])
  onHello(@ConnectedSocket() socket: Socket, @MessageBody() hello: Hello): void {
    this.enqueue(socket, (session) => this.connections.hello(session, hello));
  }

  @SubscribeMessage(AGENT_EVENTS.status)
  @CheckPolicies(['report', 'Printer'])
  onStatus(@ConnectedSocket() socket: Socket, @MessageBody() status: Status): void {
    this.enqueue(socket, (session) => this.connections.status(session, status));
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
    if (session) this.relayFrame(session, frame);
  }

  private relayFrame(session: AgentSession, frame: CameraFrame): void {
    if (!session.opened || session.abusive) return;
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
    const auth = socket.handshake.auth as { multiplex?: unknown } | undefined;
    if (auth && typeof auth === 'object' && 'multiplex' in auth) {
      // A gateway's socket names no printer: each one is attached later with its own credential.
      if (auth.multiplex !== MULTIPLEX_VERSION) throw refusal('unsupported multiplex version', 'unsupported_version');
      const limit = await this.rateLimiter.consume(GATEWAY_CONNECT_LIMIT, socket.handshake.address || 'unknown');
      if (!limit.allowed) throw refusal('rate_limited', 'rate_limited');
      (socket.data as { multiplex?: boolean }).multiplex = true;
      return;
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
    session.channel.emit(
      SERVER_EVENTS.protocolError,
      session.channel.multiplexed ? { ...error, printerId: session.printerId } : error,
    );
  }

  private disconnectAbusive(socket: Socket, session: AgentSession, lastCode: string): void {
    if (session.abusive) return;
    session.abusive = true;
    this.stats.abusiveDisconnect();
    this.logger.warn(
      { printerId: session.printerId, lastCode, multiplexed: session.channel.multiplexed },
      'agent disconnected for sustained abuse',
    );
    session.channel.emit(SERVER_EVENTS.protocolError, {
      code: 'rate_limited',
      message: 'too many refused messages; disconnecting',
    } satisfies ProtocolError);
    void session.run(() => this.connections.recordAbuse(session, lastCode));
    // A gateway's misbehaving printer is cut off alone: the socket and its other printers stay.
    if (session.channel.multiplexed) session.channel.end('abusive');
    else socket.disconnect(true);
  }

  private openGateway(socket: Socket): void {
    const gateway: GatewaySocket = {
      attachments: new Map(),
      ended: new Map(),
      throttle: new MessageThrottle(Date.now()),
      failedAttaches: new TokenBucket(
        AGENT_LIMITS.gatewayFailedAttachBurst,
        AGENT_LIMITS.gatewayFailedAttachesPerSecond,
        Date.now(),
      ),
      attachTimer: null,
    };
    this.gateways.set(socket.id, gateway);
    this.armAttachTimer(socket, gateway);
    this.logger.info({ socketId: socket.id }, 'gateway connected');
    // Gateway sockets have no handlers of their own: everything is screened and dispatched here.
    socket.use((packet, _next) => {
      try {
        this.onGatewayPacket(socket, gateway, packet);
      } catch (error) {
        this.logger.error({ err: error }, 'gateway message handling failed');
      }
    });
  }

  /** A gateway socket carrying no printer is closed after a while: an idle unauthenticated socket costs memory. */
  private armAttachTimer(socket: Socket, gateway: GatewaySocket): void {
    if (gateway.attachTimer || gateway.attachments.size > 0) return;
    gateway.attachTimer = setTimeout(() => {
      gateway.attachTimer = null;
      if (gateway.attachments.size === 0) {
        this.logger.info({ socketId: socket.id }, 'gateway socket closed: no printer attached');
        socket.disconnect(true);
      }
    }, AGENT_LIMITS.gatewayAttachWithinMs);
    gateway.attachTimer.unref();
  }

  private onGatewayPacket(socket: Socket, gateway: GatewaySocket, packet: SocketPacket): void {
    const [event, payload] = packet;
    const ack =
      typeof packet[packet.length - 1] === 'function' ? (packet[packet.length - 1] as (r: unknown) => void) : null;
    const now = Date.now();
    if (event === GATEWAY_EVENTS.printer) {
      const envelope = printerEnvelopeSchema.safeParse(payload);
      if (!envelope.success) {
        this.refuseGateway(socket, gateway, now, { code: 'malformed', message: 'not a printer envelope', event });
        return;
      }
      const channel = gateway.attachments.get(envelope.data.printerId);
      const endedAt = gateway.ended.get(envelope.data.printerId);
      if (!channel && endedAt !== undefined && now - endedAt < AGENT_LIMITS.throttleMemoryMs) {
        this.stats.message(envelope.data.event, 'refused');
        if (gateway.throttle.shouldNotify(now)) {
          socket.emit(SERVER_EVENTS.protocolError, {
            code: 'not_attached',
            message: 'this printer’s attachment ended',
            event: envelope.data.event,
            printerId: envelope.data.printerId,
          } satisfies ProtocolError);
        }
        return;
      }
      if (!channel) {
        // Another organization's printer, or one of its own whose credential this socket never presented.
        this.logger.warn(
          { socketId: socket.id, printerId: envelope.data.printerId, event: envelope.data.event },
          'gateway message for a printer not attached on its socket refused',
        );
        this.refuseGateway(socket, gateway, now, {
          code: 'not_attached',
          message: 'this printer is not attached on this socket',
          event: envelope.data.event,
          printerId: envelope.data.printerId,
        });
        return;
      }
      this.onPrinterMessage(channel, envelope.data.event, envelope.data.data, now);
      return;
    }
    if (event === GATEWAY_EVENTS.attach) {
      void this.attachPrinter(socket, gateway, payload, ack, now);
      return;
    }
    if (event === GATEWAY_EVENTS.detach) {
      const detach = detachSchema.safeParse(payload);
      const channel = detach.success ? gateway.attachments.get(detach.data.printerId) : undefined;
      if (!channel) {
        this.refuseGateway(socket, gateway, now, { code: 'not_attached', message: 'nothing to detach', event });
        return;
      }
      channel.end('requested');
      return;
    }
    if (event === AGENT_EVENTS.protocolError) {
      // The socket's own allowance: a gateway repeating errors must not flood the log.
      if (!gateway.throttle.admit(event, now)) {
        this.refuseGateway(socket, gateway, now, { code: 'rate_limited', message: 'too many messages', event });
        return;
      }
      this.stats.message(AGENT_EVENTS.protocolError, 'accepted');
      const code = (payload as { code?: unknown } | null)?.code;
      this.logger.warn(
        { socketId: socket.id, code: typeof code === 'string' ? code.slice(0, 64) : null },
        'gateway refused a server message',
      );
      return;
    }
    this.refuseGateway(socket, gateway, now, {
      code: 'unknown_event',
      message: 'a gateway socket sends attach, detach and printer envelopes',
      ...(typeof event === 'string' ? { event: event.slice(0, 64) } : {}),
    });
  }

  /** Verifies the printer's own credential exactly as a single agent's handshake, then binds the printer here. */
  private async attachPrinter(
    socket: Socket,
    gateway: GatewaySocket,
    payload: unknown,
    ack: ((result: unknown) => void) | null,
    now: number,
  ): Promise<void> {
    const answer = (result: AttachResult) => ack?.(result);
    const deny = (code: Exclude<AttachResult, { ok: true }>['code'], message: string) => {
      answer({ ok: false, code, message });
      if (code === 'malformed') {
        this.refuseGateway(socket, gateway, now, { code: 'malformed', message, event: GATEWAY_EVENTS.attach }, true);
      }
    };
    const parsed = attachSchema.safeParse(payload);
    if (!parsed.success) return deny('malformed', 'attach needs { credential }');
    // Every credential check takes a token, given back when the credential is good: a refused credential costs the
    // socket attach allowance, not the socket (a gateway whose printers were revoked keeps retrying them, slowly,
    // and must not lose its healthy printers for it). Past the allowance, attaches are refused without a lookup.
    if (!gateway.failedAttaches.take(now)) return deny('rate_limited', 'too many refused attaches; retry later');
    if (this.connections.draining) return deny('server_closing', 'server closing');
    if (gateway.attachments.size >= MAX_ATTACHMENTS_PER_SOCKET) {
      return deny('too_many_printers', `at most ${MAX_ATTACHMENTS_PER_SOCKET} printers per socket`);
    }
    let principal: AgentPrincipal;
    try {
      const found = await this.authenticators.authenticate(
        handshakeCredentials({ headers: {}, auth: { credential: parsed.data.credential } }),
      );
      if (!found || found.principal.kind !== 'agent') {
        this.logger.warn({ socketId: socket.id }, 'gateway attach refused: unknown or revoked credential');
        return deny('unauthorized', 'unauthorized');
      }
      principal = found.principal;
      gateway.failedAttaches.refund();
    } catch (error) {
      this.logger.error({ err: error }, 'gateway attach failed');
      return deny('unavailable', 'unavailable');
    }
    // The same rule a single agent's messages are checked against (`report Printer`), for this very printer.
    if (!defineAbilityFor(principal).can('report', 'Printer')) return deny('unauthorized', 'unauthorized');
    const limit = await this.rateLimiter.consume(AGENT_CONNECT_LIMIT, principal.printerId);
    if (!limit.allowed) return deny('rate_limited', 'rate_limited');
    if (socket.disconnected) return;
    // Attaching again (a rotated credential) replaces the older attachment of the printer on this socket.
    gateway.attachments.get(principal.printerId)?.end('replaced');
    const channel = new AttachmentChannel(socket, principal.printerId, (ended, reason) =>
      this.onAttachmentEnded(socket, gateway, ended, reason),
    );
    gateway.attachments.set(principal.printerId, channel);
    gateway.ended.delete(principal.printerId);
    if (gateway.attachTimer) clearTimeout(gateway.attachTimer);
    gateway.attachTimer = null;
    const session = this.connections.attach(channel, principal);
    answer({ ok: true, printerId: principal.printerId });
    void session.run(() =>
      this.connections.open(this.namespace, session).catch((error: unknown) => {
        this.logger.error({ err: error, printerId: principal.printerId }, 'gateway attachment setup failed');
        channel.end('failed');
      }),
    );
  }

  private onAttachmentEnded(socket: Socket, gateway: GatewaySocket, channel: AttachmentChannel, reason: DetachReason) {
    if (gateway.attachments.get(channel.printerId) === channel) gateway.attachments.delete(channel.printerId);
    const now = Date.now();
    for (const [printerId, endedAt] of gateway.ended) {
      if (now - endedAt >= AGENT_LIMITS.throttleMemoryMs) gateway.ended.delete(printerId);
    }
    gateway.ended.set(channel.printerId, now);
    const session = this.connections.detach(channel.id);
    if (session) void session.run(() => this.connections.close(session, reason));
    if (!socket.disconnected) this.armAttachTimer(socket, gateway);
  }

  /** Ends attachments of a printer on this instance (revocation, or a newer link of the printer elsewhere). */
  private detachRequested(request: DetachPrinterRequest): void {
    for (const gateway of this.gateways.values()) {
      const channel = gateway.attachments.get(request.printerId);
      if (channel && channel.id !== request.exceptChannelId) {
        this.logger.info({ printerId: request.printerId, reason: request.reason }, 'gateway attachment ended');
        channel.end(request.reason);
      }
    }
  }

  /** One attached printer's message: its own throttle, validation and policy, then the single-agent handling. */
  private onPrinterMessage(channel: AttachmentChannel, event: string, payload: unknown, now: number): void {
    const session = this.connections.session(channel.id);
    if (!session || session.abusive) return;
    if (!session.throttle.admit(event, now)) {
      this.refuse(channel.socket, session, now, {
        code: 'rate_limited',
        message: 'too many messages; slow down',
        event,
      });
      return;
    }
    const parsed = parseAgentMessage(event, payload);
    if (!parsed.ok) {
      this.refuse(channel.socket, session, now, parsed.error);
      return;
    }
    if (!defineAbilityFor(session.principal).can('report', 'Printer')) {
      this.refuse(channel.socket, session, now, { code: 'malformed', message: 'not allowed', event });
      return;
    }
    this.dispatch(session, parsed.value);
  }

  private dispatch(session: AgentSession, message: AgentMessage): void {
    switch (message.event) {
      case AGENT_EVENTS.hello:
        void session.run(() => this.connections.hello(session, message.data));
        return;
      case AGENT_EVENTS.status:
        void session.run(() => this.connections.status(session, message.data));
        return;
      case AGENT_EVENTS.event:
        void session.run(() => this.connections.event(session, message.data));
        return;
      case AGENT_EVENTS.cameraFrame:
        this.relayFrame(session, message.data);
        return;
      case AGENT_EVENTS.commandResult:
        this.stats.message(AGENT_EVENTS.commandResult, 'accepted');
        this.logger.info(
          { printerId: session.printerId, commandId: message.data.id, ok: message.data.ok },
          'command result without acknowledgement',
        );
        return;
      case AGENT_EVENTS.protocolError:
        this.stats.message(AGENT_EVENTS.protocolError, 'accepted');
        this.logger.warn(
          { printerId: session.printerId, code: message.data.code, event: message.data.event },
          'agent refused a server message',
        );
        return;
    }
  }

  /** What no single printer can be blamed for counts against the gateway socket; past its allowance it is closed. */
  private refuseGateway(
    socket: Socket,
    gateway: GatewaySocket,
    now: number,
    error: ProtocolError,
    silent = false,
  ): void {
    this.stats.message(error.event ?? 'unknown', 'refused');
    if (gateway.throttle.violation(now)) {
      this.stats.abusiveDisconnect();
      this.logger.warn({ socketId: socket.id, lastCode: error.code }, 'gateway disconnected for sustained abuse');
      socket.emit(SERVER_EVENTS.protocolError, {
        code: 'rate_limited',
        message: 'too many refused messages; disconnecting',
      } satisfies ProtocolError);
      socket.disconnect(true);
      return;
    }
    if (silent || (error.code === 'rate_limited' && !gateway.throttle.shouldNotify(now))) return;
    socket.emit(SERVER_EVENTS.protocolError, error);
  }

  private enqueue(socket: Socket, task: (session: AgentSession) => Promise<void>): void {
    const session = this.connections.session(socket.id);
    if (session && !session.abusive) void session.run(() => task(session));
  }
}
