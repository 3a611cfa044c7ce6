import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AgentCommandBus, type AgentsEventMap } from '@farmhand/agents';
import { LOGGER, REDIS, REDIS_KEYS, type RedisKeys } from '@farmhand/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import sharp from 'sharp';
import type { Namespace, Socket } from 'socket.io';
import { DashboardSubscribers } from './dashboard-subscribers.service';
import {
  CAMERA_LIMITS,
  DASHBOARD_EVENTS,
  type CameraFrameMessage,
  type CameraWallAnswer,
  type CameraWatchAnswer,
} from './dashboard.messages';
import { PrinterPlacements } from './printer-placements';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A camera's frame is never decoded past this many pixels (a hostile agent's "JPEG" could claim gigapixels). */
const MAX_INPUT_PIXELS = 4096 * 4096;
/** Tile downscales running at once on one instance; frames beyond are dropped (the next one comes within a second). */
const MAX_RESIZES_IN_FLIGHT = 4;
/** How long this instance trusts what Redis says about a printer having wall tiles watched somewhere. */
const TILE_DEMAND_CACHE_MS = 1_000;

type Kind = 'live' | 'tile';

/** socket.io rooms (in `/dashboard`) of one printer's live and wall watchers, on every api instance. */
export function cameraRoom(printerId: string, kind: Kind = 'live'): string {
  return kind === 'live' ? `camera:${printerId}` : `camera-tile:${printerId}`;
}

interface Watched {
  orgId: string;
  fleetId: string;
  /** `${kind}|${socketId}` of local watchers -> the rate each asked for. */
  watchers: Map<string, number>;
}

/** Bytes per second of one organization's relayed frames (a token bucket, in memory per instance). */
class ByteBudget {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond;
    this.updatedAt = now;
  }

  take(bytes: number, now: number): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < bytes) return false;
    this.tokens -= bytes;
    return true;
  }
}

function refusal(code: string, message: string): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } };
}

const keyOf = (kind: Kind, socketId: string) => `${kind}|${socketId}`;
const socketOf = (key: string) => key.slice(key.indexOf('|') + 1);

/**
 * Live camera views and the camera wall. A browser asks to watch printers it may read; the api joins its socket to
 * each printer's room and keeps a streaming lease open at the agent (`camera_stream`, renewed every `renewMs`, at the
 * highest rate any watcher asked for) while any socket on this instance watches. Frames come back over the agent's
 * socket and go to the rooms through the Redis adapter, so watchers on any instance get them; wall tiles are
 * downscaled once per frame (sharp, bounded input, a few at a time) on the instance that holds the agent. When the
 * last watcher leaves the api says stop; the lease ends the stream anyway if that message is lost. Access is
 * checked again at every renewal with the socket's current (rescoped) access.
 */
@Injectable()
export class CameraRelay implements OnModuleDestroy {
  private namespace: Namespace | null = null;
  private readonly watched = new Map<string, Watched>();
  /** socket id -> printers it watches, per kind. */
  private readonly bySocket = new Map<string, { live: Set<string>; tile: Set<string> }>();
  private readonly budgets = new Map<string, ByteBudget>();
  private readonly tileDemand = new Map<string, { wanted: boolean; checkedAt: number }>();
  private readonly lastTileAt = new Map<string, number>();
  private resizing = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bus: AgentCommandBus,
    private readonly placements: PrinterPlacements,
    private readonly subscribers: DashboardSubscribers,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => this.renew(), CAMERA_LIMITS.renewMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  async watch(socket: Socket, request: unknown): Promise<CameraWatchAnswer> {
    const { printerId, fps: asked } = (request ?? {}) as { printerId?: unknown; fps?: unknown };
    if (typeof printerId !== 'string' || !UUID.test(printerId))
      return refusal('invalid_printer_id', 'printerId must be a printer id');
    if (
      asked !== undefined &&
      (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1 || asked > CAMERA_LIMITS.maxFps)
    )
      return refusal('invalid_fps', `fps must be a whole number from 1 to ${CAMERA_LIMITS.maxFps}`);
    const placement = (await this.placements.resolve([printerId])).get(printerId);
    // Another organization's printer, or one outside the caller's fleets, does not exist for this caller.
    if (!placement || !this.subscribers.mayReadPrinter(socket.id, placement.orgId, placement.fleetId))
      return refusal('printer_not_found', 'Printer not found');
    const mine = this.mine(socket.id);
    if (!mine.live.has(printerId) && mine.live.size >= CAMERA_LIMITS.maxWatchedPerSocket)
      return refusal('too_many_live_views', `At most ${CAMERA_LIMITS.maxWatchedPerSocket} live views per connection`);
    const fps = (asked as number | undefined) ?? CAMERA_LIMITS.defaultFps;
    const entry = this.add(printerId, placement, keyOf('live', socket.id), fps);
    mine.live.add(printerId);
    await socket.join(cameraRoom(printerId));
    this.request(printerId, entry);
    return { ok: true, fps: this.rateOf(entry) };
  }

  /** Replaces the socket's wall: tiles for the printers it may read among `printerIds` (others are left out). */
  async wall(socket: Socket, request: unknown): Promise<CameraWallAnswer> {
    const { printerIds, fps: asked } = (request ?? {}) as { printerIds?: unknown; fps?: unknown };
    if (!Array.isArray(printerIds) || printerIds.length > CAMERA_LIMITS.maxWallTiles)
      return refusal('invalid_printer_ids', `printerIds must be a list of at most ${CAMERA_LIMITS.maxWallTiles} ids`);
    if (!printerIds.every((id): id is string => typeof id === 'string' && UUID.test(id)))
      return refusal('invalid_printer_ids', 'printerIds must hold printer ids only');
    if (
      asked !== undefined &&
      (typeof asked !== 'number' ||
        !Number.isFinite(asked) ||
        asked < CAMERA_LIMITS.minWallFps ||
        asked > CAMERA_LIMITS.maxWallFps)
    )
      return refusal('invalid_fps', `fps must be from ${CAMERA_LIMITS.minWallFps} to ${CAMERA_LIMITS.maxWallFps}`);
    const fps = (asked as number | undefined) ?? CAMERA_LIMITS.wallFps;
    const placements = await this.placements.resolve([...new Set(printerIds)]);
    const allowed = [...placements.values()].filter((placement) =>
      this.subscribers.mayReadPrinter(socket.id, placement.orgId, placement.fleetId),
    );
    const mine = this.mine(socket.id);
    const keep = new Set(allowed.map((placement) => placement.id));
    await Promise.all([...mine.tile].filter((id) => !keep.has(id)).map((id) => this.leave(socket, id, 'tile')));
    const key = keyOf('tile', socket.id);
    for (const placement of allowed) {
      const entry = this.add(placement.id, placement, key, fps);
      mine.tile.add(placement.id);
      await socket.join(cameraRoom(placement.id, 'tile'));
      this.request(placement.id, entry);
    }
    await this.markTileDemand(allowed.map((placement) => placement.id));
    return { ok: true, fps, printerIds: allowed.map((placement) => placement.id) };
  }

  /** Stops one socket watching one printer live (or everything, when it disconnects). */
  async unwatch(socket: Socket, printerId?: string): Promise<void> {
    const mine = this.bySocket.get(socket.id);
    if (!mine) return;
    if (printerId !== undefined) {
      if (mine.live.has(printerId)) await this.leave(socket, printerId, 'live');
    } else {
      await Promise.all([
        ...[...mine.live].map((id) => this.leave(socket, id, 'live')),
        ...[...mine.tile].map((id) => this.leave(socket, id, 'tile')),
      ]);
    }
    if (mine.live.size === 0 && mine.tile.size === 0) this.bySocket.delete(socket.id);
  }

  @OnEvent('printer.cameraFrame')
  relay(frame: AgentsEventMap['printer.cameraFrame']): void {
    if (!this.namespace) return;
    let budget = this.budgets.get(frame.orgId);
    const now = Date.now();
    if (!budget) this.budgets.set(frame.orgId, (budget = new ByteBudget(CAMERA_LIMITS.orgBytesPerSecond, now)));
    // Over the organization's bandwidth: the frame is dropped (the next one may fit); live views degrade, never queue.
    if (!budget.take(frame.jpeg.byteLength, now)) return;
    const message: CameraFrameMessage = {
      printerId: frame.printerId,
      seq: frame.seq,
      capturedAt: frame.capturedAt,
      jpeg: frame.jpeg,
    };
    this.namespace.to(cameraRoom(frame.printerId)).volatile.emit(DASHBOARD_EVENTS.cameraFrame, message);
    void this.relayTile(message, now).catch((error: unknown) =>
      this.logger.warn({ err: error, printerId: frame.printerId }, 'camera tile not made'),
    );
  }

  private async relayTile(frame: CameraFrameMessage, now: number): Promise<void> {
    if ((now - (this.lastTileAt.get(frame.printerId) ?? 0)) * CAMERA_LIMITS.maxWallFps < 1_000) return;
    if (!(await this.tilesWanted(frame.printerId, now))) return;
    if (this.resizing >= MAX_RESIZES_IN_FLIGHT) return;
    if (this.lastTileAt.size > 10_000) this.lastTileAt.clear();
    this.lastTileAt.set(frame.printerId, now);
    this.resizing += 1;
    let tile: Buffer;
    try {
      tile = await sharp(frame.jpeg, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
        .resize({ width: CAMERA_LIMITS.tileWidth, withoutEnlargement: true })
        .jpeg({ quality: 70 })
        .toBuffer();
    } catch {
      // Not a decodable picture (the agent's JPEG only had to start like one): no tile.
      return;
    } finally {
      this.resizing -= 1;
    }
    this.namespace
      ?.to(cameraRoom(frame.printerId, 'tile'))
      .volatile.emit(DASHBOARD_EVENTS.cameraTile, { ...frame, jpeg: tile } satisfies CameraFrameMessage);
  }

  /** Whether any instance has wall watchers of the printer (a key each such instance refreshes with its leases). */
  private async tilesWanted(printerId: string, now: number): Promise<boolean> {
    const cached = this.tileDemand.get(printerId);
    if (cached && now - cached.checkedAt < TILE_DEMAND_CACHE_MS) return cached.wanted;
    if (this.tileDemand.size > 10_000) this.tileDemand.clear();
    const wanted = (await this.redis.exists(this.keys.key('camera', 'tiles', printerId))) === 1;
    this.tileDemand.set(printerId, { wanted, checkedAt: now });
    return wanted;
  }

  private async markTileDemand(printerIds: string[]): Promise<void> {
    if (printerIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of printerIds) pipeline.set(this.keys.key('camera', 'tiles', id), '1', 'PX', CAMERA_LIMITS.leaseMs);
    await pipeline.exec();
    for (const id of printerIds) this.tileDemand.delete(id);
  }

  private mine(socketId: string): { live: Set<string>; tile: Set<string> } {
    let mine = this.bySocket.get(socketId);
    if (!mine) this.bySocket.set(socketId, (mine = { live: new Set(), tile: new Set() }));
    return mine;
  }

  private add(printerId: string, placement: { orgId: string; fleetId: string }, key: string, fps: number): Watched {
    let entry = this.watched.get(printerId);
    if (!entry) {
      entry = { orgId: placement.orgId, fleetId: placement.fleetId, watchers: new Map() };
      this.watched.set(printerId, entry);
    }
    entry.watchers.set(key, fps);
    return entry;
  }

  private async leave(socket: Socket, printerId: string, kind: Kind): Promise<void> {
    this.bySocket.get(socket.id)?.[kind].delete(printerId);
    if (socket.connected) await socket.leave(cameraRoom(printerId, kind));
    const entry = this.watched.get(printerId);
    if (!entry) return;
    entry.watchers.delete(keyOf(kind, socket.id));
    if (entry.watchers.size > 0) {
      this.request(printerId, entry);
      return;
    }
    this.watched.delete(printerId);
    await this.stopUnlessWatchedElsewhere(printerId);
  }

  private rateOf(entry: Watched): number {
    return Math.min(Math.max(...entry.watchers.values()), CAMERA_LIMITS.maxFps);
  }

  private request(printerId: string, entry: Watched): void {
    this.bus.requestCamera(printerId, { fps: this.rateOf(entry), leaseMs: CAMERA_LIMITS.leaseMs });
  }

  /** Other instances keep their own watchers' leases alive; stop only when nobody anywhere is in a room. */
  private async stopUnlessWatchedElsewhere(printerId: string): Promise<void> {
    try {
      if (this.namespace) {
        const [live, tiles] = await Promise.all([
          this.namespace.in(cameraRoom(printerId)).fetchSockets(),
          this.namespace.in(cameraRoom(printerId, 'tile')).fetchSockets(),
        ]);
        if (live.length + tiles.length > 0) return;
      }
    } catch (error) {
      // Unknown: leave it to the lease, which ends the stream within `leaseMs` unless someone renews it.
      this.logger.warn({ err: error, printerId }, 'could not count live watchers');
      return;
    }
    this.bus.requestCamera(printerId, { fps: 0, leaseMs: CAMERA_LIMITS.leaseMs });
  }

  /** Renews the leases of watched printers, dropping watchers that lost access (fleet limits, membership). */
  private renew(): void {
    const tiles: string[] = [];
    for (const [printerId, entry] of [...this.watched]) {
      for (const key of [...entry.watchers.keys()]) {
        const socketId = socketOf(key);
        if (this.subscribers.mayReadPrinter(socketId, entry.orgId, entry.fleetId)) continue;
        const socket = this.namespace?.sockets.get(socketId);
        if (socket)
          void this.leave(socket, printerId, key.startsWith('tile|') ? 'tile' : 'live').catch(() => undefined);
        else entry.watchers.delete(key);
      }
      if (entry.watchers.size === 0) {
        this.watched.delete(printerId);
        continue;
      }
      this.request(printerId, entry);
      if ([...entry.watchers.keys()].some((key) => key.startsWith('tile|'))) tiles.push(printerId);
    }
    void this.markTileDemand(tiles).catch((error: unknown) =>
      this.logger.warn({ err: error }, 'camera wall demand not recorded'),
    );
  }
}
