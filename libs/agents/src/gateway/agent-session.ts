import type { AgentPrincipal } from '@farmhand/authz';
import type { Logger } from 'pino';
import type { AgentChannel } from './agent-channel';
import type { MessageThrottle } from './message-throttle';

/**
 * What the api remembers about one printer's link (a single-printer socket or a gateway attachment) while it is
 * connected. Kept beside the socket, not in `socket.data`, which socket.io serializes for other instances.
 */
export class AgentSession {
  /** The last state this connection persisted or found in `printers.state`; null until loaded. */
  persistedState: string | null = null;
  lastCheckpointAt = 0;
  frameIntervalSeconds: number | undefined;
  /** Set once `open` finished: the socket joined its printer's room and owns the live record. */
  opened = false;
  abusive = false;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly channel: AgentChannel,
    readonly principal: AgentPrincipal,
    /** Shared by the printer's successive sockets on this instance: reconnecting does not refill it. */
    readonly throttle: MessageThrottle,
    private readonly logger: Logger,
  ) {}

  /** The owner id in the presence record (see `AgentChannel.id`). */
  get socketId(): string {
    return this.channel.id;
  }

  get printerId(): string {
    return this.principal.printerId;
  }

  get orgId(): string {
    return this.principal.orgId;
  }

  /**
   * Runs the socket's work one item at a time, in arrival order: a status never overtakes the connection setup,
   * and two transitions persist in the order the agent sent them. A failing item is logged and does not stop the
   * ones after it.
   */
  run(task: () => Promise<void>): Promise<void> {
    const next = this.tail.then(task).catch((error: unknown) => {
      this.logger.error({ err: error, printerId: this.printerId }, 'agent message handling failed');
    });
    this.tail = next;
    return next;
  }
}
