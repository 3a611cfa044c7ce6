import { GATEWAY_SERVER_EVENTS, type DetachReason, type Detached, type PrinterEnvelope } from '@farmhand/protocol';
import type { Socket } from 'socket.io';
import { agentRoom, gatewayRoom } from '../agents.limits';

/**
 * One printer's link to this api instance: a whole socket (a single-printer agent, protocol 1) or one printer's
 * attachment on a gateway's multiplexed socket (protocol 2). Presence, live state and commands go through it, so
 * every rule written for one printer per socket holds per attached printer.
 */
export interface AgentChannel {
  /** Owner id in the presence record: the socket id, or `<socket id>/<printer id>` for an attachment. */
  readonly id: string;
  readonly socket: Socket;
  /** The room commands for this printer are sent to. */
  readonly room: string;
  readonly multiplexed: boolean;
  /** True once the socket closed or the attachment ended: nothing more is written for it. */
  readonly closed: boolean;
  join(): Promise<void> | void;
  emit(event: string, data: unknown): void;
  /** Ends this printer's link: the socket for a single agent, the attachment alone for a gateway. */
  end(reason: DetachReason): void;
}

export class SocketChannel implements AgentChannel {
  readonly multiplexed = false;
  readonly room: string;

  constructor(
    readonly socket: Socket,
    printerId: string,
  ) {
    this.room = agentRoom(printerId);
  }

  get id(): string {
    return this.socket.id;
  }

  get closed(): boolean {
    return this.socket.disconnected;
  }

  join(): Promise<void> | void {
    return this.socket.join(this.room);
  }

  emit(event: string, data: unknown): void {
    this.socket.emit(event, data);
  }

  end(): void {
    this.socket.disconnect(true);
  }
}

export class AttachmentChannel implements AgentChannel {
  readonly multiplexed = true;
  readonly room: string;
  readonly id: string;
  private ended = false;

  constructor(
    readonly socket: Socket,
    readonly printerId: string,
    /** Called once when the attachment ends (the gateway socket forgets the printer, presence is released). */
    private readonly onEnd: (channel: AttachmentChannel, reason: DetachReason) => void,
  ) {
    this.room = gatewayRoom(printerId);
    this.id = `${socket.id}/${printerId}`;
  }

  get closed(): boolean {
    return this.ended || this.socket.disconnected;
  }

  join(): Promise<void> | void {
    return this.socket.join(this.room);
  }

  emit(event: string, data: unknown): void {
    if (this.closed) return;
    this.socket.emit(GATEWAY_SERVER_EVENTS.printer, {
      printerId: this.printerId,
      event,
      data,
    } satisfies PrinterEnvelope);
  }

  end(reason: DetachReason): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.socket.disconnected) {
      void this.socket.leave(this.room);
      this.socket.emit(GATEWAY_SERVER_EVENTS.detached, { printerId: this.printerId, reason } satisfies Detached);
    }
    this.onEnd(this, reason);
  }
}
