import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { WebSocketServer } from 'ws';

import { HttpFarm } from '../core/http-farm';
import type { HttpFront, RequestContext } from '../core/http-farm';
import type { SimFarmOptions } from '../core/sim-kind';
import { handleOctoPrintRequest } from './octoprint-rest';
import type { PrinterSite } from './octoprint-rest';
import { PushHub } from './push-socket';

export type FarmOptions = SimFarmOptions;

export const DEFAULT_API_KEY = 'farmhand-simulated-octoprint-key';

/** A virtual OctoPrint farm: N printers behind the REST API and push socket of OctoPrint 1.10/1.11. */
export class OctoPrintFarm extends HttpFarm {
  readonly kind = 'octoprint' as const;
  private readonly sites: PrinterSite[] = [];
  private readonly hubs: PushHub[] = [];
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly pushDisabled = new Set<number>();

  constructor(options: FarmOptions) {
    super(options, DEFAULT_API_KEY);
    for (const printer of this.printers) {
      const site: PrinterSite = {
        printer,
        apiKey: this.options.apiKey,
        sessions: new Set(),
        maxUploadBytes: this.options.maxUploadBytes,
        renderSnapshot: (p) => this.snapshot(p),
      };
      this.sites.push(site);
      this.hubs.push(new PushHub(site));
    }
    const front: HttpFront = {
      handle: (index: number, req: IncomingMessage, res: ServerResponse, ctx: RequestContext) =>
        handleOctoPrintRequest(this.sites[index], req, res, ctx),
      upgrade: (index: number, path: string, req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (path !== '/sockjs/websocket' || this.pushDisabled.has(index)) return false;
        this.wss.handleUpgrade(req, socket, head, (ws) => this.hubs[index].accept(ws));
        return true;
      },
      tick: (now) => {
        for (const hub of this.hubs) hub.tick(now);
      },
      dropConnections: (index) => this.hubs[index].terminateAll(),
      dispose: () => {
        for (const hub of this.hubs) hub.dispose();
        this.wss.close();
      },
    };
    this.useFront(front);
  }

  /** Push sockets open on printer `index`, authenticated or not. */
  pushClients(index: number): number {
    return this.hubs[index].size;
  }

  /** Test control: refuse push sockets (as a proxy that does not pass WebSockets would) while REST keeps working. */
  setPushEnabled(index: number, enabled: boolean): void {
    this.printer(index);
    if (enabled) this.pushDisabled.delete(index);
    else {
      this.pushDisabled.add(index);
      this.hubs[index].terminateAll();
    }
  }
}
