import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import type { AgentPrincipal } from '@farmhand/authz';
import { DomainEvents, LOGGER, MetricsService } from '@farmhand/core';
import { detectionSettingsOf, PrinterStateRepository } from '@farmhand/printers';
import { CURRENT_AGENT_VERSION, PROTOCOL_VERSION, SERVER_EVENTS } from '@farmhand/protocol';
import type { DetachReason } from '@farmhand/protocol';
import type { AgentEvent, Hello, ServerClosing, Status, Welcome } from '@farmhand/protocol';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import { DataSource } from 'typeorm';
import { AGENT_LIMITS, agentRoom, gatewayRoom } from '../agents.limits';
import { AgentCommandBus } from '../control/agent-command.bus';
import type { AgentChannel } from './agent-channel';
import type { PrintEventKind } from '../agents.events';
import { PresenceRepository } from '../presence/presence.repository';
import { AgentSession } from './agent-session';
import { AgentStats } from './agent-stats.service';
import { MessageThrottle } from './message-throttle';

/**
 * The life of agent connections on this instance: claiming presence, replacing an older connection of the same
 * printer, live state, persisted transitions and the domain events. Every method runs inside its socket's
 * `AgentSession.run` queue, so one socket's messages are handled in order.
 */
@Injectable()
export class AgentConnectionsService implements BeforeApplicationShutdown {
  /** Names this process in presence records (which instance holds a printer's socket). */
  readonly instanceId = randomBytes(6).toString('hex');
  private readonly sessions = new Map<string, AgentSession>();
  private readonly throttles = new Map<string, MessageThrottle>();
  private throttlesPrunedAt = 0;
  private shuttingDown = false;
  private namespace?: Namespace;

  constructor(
    private readonly presence: PresenceRepository,
    private readonly states: PrinterStateRepository,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly stats: AgentStats,
    private readonly bus: AgentCommandBus,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsService,
  ) {
    const sessions = this.sessions;
    metrics.gauge('farmhand_agent_connections', 'Agent sockets connected to this instance', [], function () {
      this.set(sessions.size);
    });
  }

  /** The `/agent` namespace of this instance, whose local sockets `drain` closes. */
  bind(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** True once this instance is stopping: new agent handshakes are refused (the agent tries another instance). */
  get draining(): boolean {
    return this.shuttingDown;
  }

  attach(channel: AgentChannel, principal: AgentPrincipal): AgentSession {
    const now = Date.now();
    this.forgetIdleThrottles(now);
    let throttle = this.throttles.get(principal.printerId);
    if (!throttle) {
      throttle = new MessageThrottle(now);
      this.throttles.set(principal.printerId, throttle);
    }
    throttle.holders += 1;
    const session = new AgentSession(channel, principal, throttle, this.logger);
    this.sessions.set(channel.id, session);
    return session;
  }

  /** The session of a channel (`AgentChannel.id`: a socket id, or a gateway attachment's id). */
  session(channelId: string): AgentSession | undefined {
    return this.sessions.get(channelId);
  }

  detach(channelId: string): AgentSession | undefined {
    const session = this.sessions.get(channelId);
    this.sessions.delete(channelId);
    if (session) {
      session.throttle.holders -= 1;
      session.throttle.releasedAt = Date.now();
    }
    return session;
  }

  /** Allowances outlive a socket briefly (a reconnect must not refill them), then go. */
  private forgetIdleThrottles(now: number): void {
    if (now - this.throttlesPrunedAt < AGENT_LIMITS.throttleMemoryMs) return;
    this.throttlesPrunedAt = now;
    for (const [printerId, throttle] of this.throttles) {
      if (throttle.holders === 0 && now - throttle.releasedAt > AGENT_LIMITS.throttleMemoryMs) {
        this.throttles.delete(printerId);
      }
    }
  }

  /**
   * Sends this instance's agents elsewhere (SIGTERM, before in-flight requests are awaited): each is told to
   * reconnect soon, spread over `AGENT_LIMITS.shutdownReconnectWithinMs` (the load balancer picks another instance),
   * and its socket is closed. A rolling restart must not flap every printer offline and back: this instance gives
   * up the live records it holds (compare-and-set, so a record the agent already re-claimed elsewhere is kept) but
   * persists no transition.
   */
  async drain(): Promise<number> {
    if (this.shuttingDown) return 0;
    this.shuttingDown = true;
    const sessions = [...this.sessions.values()];
    const hint: ServerClosing = { reason: 'shutdown', reconnectWithinMs: AGENT_LIMITS.shutdownReconnectWithinMs };
    const sockets = [...(this.namespace?.sockets.values() ?? [])];
    for (const socket of sockets) {
      socket.emit(SERVER_EVENTS.closing, hint);
      socket.disconnect(true);
    }
    await Promise.allSettled(sessions.map((session) => this.presence.release(session.printerId, session.socketId)));
    this.logger.info({ agents: sockets.length }, 'agents sent to other instances');
    return sockets.length;
  }

  /** Nest's shutdown (also without a signal, as tests close apps): the same as an explicit drain. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  async open(namespace: Namespace, session: AgentSession): Promise<void> {
    const { printerId, orgId, channel } = session;
    const socket = channel.socket;
    const now = Date.now();
    const previous = await this.presence.claim(printerId, orgId, channel.id, this.instanceId, now);
    // One printer, one connection: an older one (on any instance: a single-printer socket or an attachment on
    // another gateway socket) is closed. Its own disconnect finds the live record claimed by this channel and so
    // reports nothing.
    const older = await Promise.all(
      [agentRoom(printerId), gatewayRoom(printerId)].map((room) =>
        namespace
          .in(room)
          .fetchSockets()
          .then((sockets) => sockets.filter((other) => other.id !== socket.id).length),
      ),
    )
      .then(([direct, attached]) => direct! + attached!)
      .catch((error: unknown) => {
        this.logger.warn({ err: error, printerId }, 'could not list older agent connections');
        return 1;
      });
    if (older > 0) {
      namespace.in(agentRoom(printerId)).disconnectSockets(true);
      this.bus.detachPrinter({ printerId, reason: 'replaced', exceptChannelId: channel.id });
      await this.audit.record(this.dataSource.manager, {
        orgId,
        principal: session.principal,
        action: 'printer.agentReplaced',
        subject: { type: 'Printer', id: printerId },
        details: { replacedConnections: older, instanceId: this.instanceId },
      });
    }
    // Gone during the setup: its queued disconnect (or detach) gives the claim back.
    if (channel.closed) return;
    await channel.join();
    // A revocation that raced this handshake (authenticated just before, joined just after the disconnect).
    if (await this.presence.wasRevoked(printerId, session.principal.credentialId)) {
      channel.end('revoked');
      return;
    }
    const row = await this.states.markSeen(printerId, orgId, new Date(now));
    if (!row) {
      this.logger.warn({ printerId }, 'agent of a deleted printer disconnected');
      channel.end('deleted');
      return;
    }
    session.persistedState = row.state;
    session.lastCheckpointAt = now;
    session.frameIntervalSeconds = detectionSettingsOf({ detection: row.detection }).frameIntervalSeconds;
    session.opened = true;
    this.logger.info({ printerId, replaced: older > 0, multiplexed: channel.multiplexed }, 'agent connected');
    if (previous === null) this.events.emit('printer.online', { orgId, printerId });
  }

  async close(session: AgentSession, reason?: DetachReason): Promise<void> {
    const { printerId, orgId } = session;
    if (this.shuttingDown) return;
    const released = await this.presence.release(printerId, session.socketId);
    this.logger.info(
      { printerId, released, ...(session.channel.multiplexed ? { multiplexed: true, reason } : {}) },
      'agent disconnected',
    );
    // A newer connection owns the printer now: this one going away changes nothing.
    if (released === 'replaced' || !session.opened) return;
    const from = await this.states.transition(printerId, orgId, 'offline', new Date());
    if (from !== null) this.events.emit('printer.stateChanged', { orgId, printerId, from, to: 'offline' });
    this.events.emit('printer.offline', { orgId, printerId });
  }

  async hello(session: AgentSession, hello: Hello): Promise<void> {
    this.stats.message('hello', 'accepted');
    if (!(await this.write(session, 'hello', hello))) return;
    // What the printer prints is part of queue matching (a .3mf only to printers whose agent uploads 3MF).
    const formats = hello.capabilities
      .filter((name) => name.startsWith('upload.'))
      .map((name) => name.slice('upload.'.length))
      .filter((format) => /^[a-z0-9]{1,8}$/.test(format))
      .sort();
    await this.states.setUploadFormats(session.printerId, session.orgId, formats);
    const welcome: Welcome = {
      // Answered in the agent's own version: a protocol 1 agent is spoken to as one.
      protocolVersion: Math.min(hello.protocolVersion, PROTOCOL_VERSION),
      printerId: session.printerId,
      serverTime: Date.now(),
      latestAgentVersion: CURRENT_AGENT_VERSION,
      ...(session.frameIntervalSeconds ? { frameIntervalSeconds: session.frameIntervalSeconds } : {}),
    };
    session.channel.emit(SERVER_EVENTS.welcome, welcome);
  }

  async status(session: AgentSession, status: Status): Promise<void> {
    this.stats.message('status', 'accepted');
    if (!(await this.write(session, 'status', status))) return;
    const { printerId, orgId } = session;
    this.events.emit('printer.status', { orgId, printerId, status });
    const now = Date.now();
    if (status.state !== session.persistedState) {
      const from = await this.states.transition(printerId, orgId, status.state, new Date(now));
      session.persistedState = status.state;
      session.lastCheckpointAt = now;
      if (from !== null) this.events.emit('printer.stateChanged', { orgId, printerId, from, to: status.state });
    } else if (now - session.lastCheckpointAt >= AGENT_LIMITS.lastSeenCheckpointMs) {
      session.lastCheckpointAt = now;
      await this.states.touch(printerId, orgId, new Date(now));
    }
  }

  async event(session: AgentSession, event: AgentEvent): Promise<void> {
    this.stats.message('event', 'accepted');
    const { printerId, orgId } = session;
    if (event.type === 'connection.changed') {
      this.logger.info({ printerId, link: event.link, connected: event.connected }, 'agent link changed');
      return;
    }
    if (!(await this.presence.firstDelivery(printerId, event.id))) return;
    this.events.emit('printer.printEvent', {
      orgId,
      printerId,
      eventId: event.id,
      type: event.type.slice('print.'.length) as PrintEventKind,
      ...(event.job ? { job: event.job } : {}),
      at: event.at,
      reason: event.reason ?? null,
      ...(event.origin ? { origin: event.origin } : {}),
    });
  }

  async recordAbuse(session: AgentSession, lastCode: string): Promise<void> {
    await this.audit.record(this.dataSource.manager, {
      orgId: session.orgId,
      principal: session.principal,
      action: 'printer.agentDisconnected',
      subject: { type: 'Printer', id: session.printerId },
      result: 'denied',
      details: { reason: 'sustained refused messages', lastError: lastCode },
    });
  }

  /** Live state is written only by the connection that owns the printer's record. */
  private async write(session: AgentSession, field: 'hello' | 'status', value: unknown) {
    // A message queued behind a detach must not re-create the live record of a printer that just went offline.
    if (!session.opened || session.channel.closed) return false;
    const written = await this.presence.write(
      session.printerId,
      session.orgId,
      session.socketId,
      this.instanceId,
      field,
      JSON.stringify(value),
      Date.now(),
    );
    if (!written)
      this.logger.info({ printerId: session.printerId }, 'message from a replaced agent connection ignored');
    return written;
  }
}
