import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import type { Principal } from '@farmhand/authz';
import { DomainException, JobQueue } from '@farmhand/core';
import { DataSource } from 'typeorm';
import type { ConfigureSpoolmanDto } from '../dto/spoolman.dto';
import { SpoolmanClient, type SpoolmanSpool } from './spoolman-client';
import { spoolmanTarget } from './spoolman-target';
import { SpoolmanSecretCipher } from './spoolman-secret.cipher';
import { validateSpoolmanUrl } from './spoolman-url';
import { SpoolmanRepository, type MirroredSpool } from './spoolman.repository';
import { SPOOLMAN_CLIENT, SPOOLMAN_SECRET_CIPHER } from './spoolman.tokens';
import { enqueueSpoolmanUse } from './spoolman-use.enqueue';

export interface SpoolmanStatusView {
  configured: boolean;
  url: string | null;
  authKind: 'none' | 'apiKey' | 'basic' | null;
  username: string | null;
  hasSecret: boolean;
  allowPrivateNetwork: boolean;
  lastSyncAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  usage: { pending: number; failed: number; sent: number };
  failures: { usageId: string; spoolId: string; grams: number; error: string | null; recordedAt: string }[];
}

/** How a Spoolman spool becomes a Farmhand spool row (its weights and colour stay Spoolman's). */
export function mirrorOf(spool: SpoolmanSpool): MirroredSpool {
  const { filament } = spool;
  const hex = /^[0-9a-f]{6}/i.exec(filament.color_hex?.replace(/^#/, '') ?? '')?.[0];
  const initial = spool.initial_weight ?? filament.weight ?? (spool.remaining_weight ?? 0) + spool.used_weight;
  const remaining = spool.remaining_weight ?? Math.max(0, initial - spool.used_weight);
  const price = spool.price ?? filament.price;
  const material = (filament.material ?? '').trim().slice(0, 32) || 'unknown';
  return {
    spoolmanId: spool.id,
    material,
    colorName: filament.name?.trim() || null,
    colorHex: hex ? `#${hex.toLowerCase()}` : null,
    vendor: filament.vendor?.name?.trim() || null,
    diameterMm: filament.diameter ?? 1.75,
    initialGrams: Math.round(Math.max(initial, remaining) * 100) / 100,
    remainingGrams: Math.round(remaining * 100) / 100,
    costCents: price == null ? null : Math.min(2_000_000_000, Math.round(price * 100)),
    location: spool.location?.trim() || null,
    lot: spool.lot_nr?.trim() || null,
  };
}

/** Pending usage untouched this long lost its enqueue (or waits on a stopped worker): a sync queues it again. */
const STALE_PENDING_MS = 10 * 60_000;

/**
 * An organization's Spoolman server: admins set and remove it; operators refresh the mirrored spools and retry
 * usage that could not be written. While it is set, Spoolman is the inventory (spools.service refuses built-in
 * edits), loading stays Farmhand's, and each print's usage goes to Spoolman through the `spoolman.use` job.
 */
@Injectable()
export class SpoolmanService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SpoolmanRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobQueue,
    @Inject(SPOOLMAN_CLIENT) private readonly client: SpoolmanClient,
    @Inject(SPOOLMAN_SECRET_CIPHER) private readonly cipher: SpoolmanSecretCipher,
  ) {}

  async status(orgId: string): Promise<SpoolmanStatusView> {
    const connection = await this.repository.connection(orgId);
    const usage = await this.repository.pushCounts(orgId);
    const failures = (await this.repository.recentFailures(orgId)).map((row) => ({
      usageId: row.id,
      spoolId: row.spoolId,
      grams: row.grams,
      error: row.spoolmanError,
      recordedAt: row.recordedAt.toISOString(),
    }));
    return {
      configured: !!connection,
      url: connection?.baseUrl ?? null,
      authKind: connection?.authKind ?? null,
      username: connection?.username ?? null,
      hasSecret: !!connection?.secretCiphertext,
      allowPrivateNetwork: connection?.allowPrivateNetwork ?? false,
      lastSyncAt: connection?.lastSyncAt?.toISOString() ?? null,
      lastError: connection?.lastError ?? null,
      lastErrorAt: connection?.lastErrorAt?.toISOString() ?? null,
      usage,
      failures,
    };
  }

  async configure(principal: Principal, orgId: string, input: ConfigureSpoolmanDto): Promise<SpoolmanStatusView> {
    const allowPrivateNetwork = input.allowPrivateNetwork ?? false;
    const baseUrl = validateSpoolmanUrl(input.url.trim(), allowPrivateNetwork);
    const authKind = input.apiKey ? 'apiKey' : input.password ? 'basic' : 'none';
    if (input.apiKey && input.password)
      throw DomainException.invalid('spoolman_auth_ambiguous', 'Give either apiKey or username and password', 'apiKey');
    if (input.password && !input.username)
      throw DomainException.invalid('spoolman_username_missing', 'Basic auth needs a username', 'username');
    const secret = input.apiKey ?? input.password ?? null;
    await this.dataSource.transaction(async (manager) => {
      const before = await this.repository.connection(orgId, manager);
      await this.repository.saveConnection(manager, {
        orgId,
        baseUrl,
        authKind,
        username: authKind === 'basic' ? input.username!.trim() : null,
        secretCiphertext: secret ? this.cipher.encrypt(secret, orgId) : null,
        allowPrivateNetwork,
        lastError: null,
        lastErrorAt: null,
      });
      if (!before) await this.repository.unloadBuiltIn(manager, orgId);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: before ? 'spoolman.updated' : 'spoolman.connected',
        subject: { type: 'Spool', id: null },
        details: { url: baseUrl, authKind, allowPrivateNetwork },
      });
    });
    return this.status(orgId);
  }

  async disconnect(principal: Principal, orgId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.deleteConnection(manager, orgId))) throw notConfigured();
      await this.repository.archiveMirrors(manager, orgId);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'spoolman.disconnected',
        subject: { type: 'Spool', id: null },
      });
    });
  }

  /**
   * Reads every spool from Spoolman into the mirrors, and queues again usage that failed or whose job was lost.
   * Spoolman down: 502 naming it, and the error stays visible on the spools page.
   */
  async sync(principal: Principal, orgId: string): Promise<SpoolmanStatusView> {
    const connection = await this.repository.connection(orgId);
    if (!connection) throw notConfigured();
    let spools: SpoolmanSpool[];
    try {
      spools = await this.client.listSpools(spoolmanTarget(connection, this.cipher));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.repository.noteResult(orgId, message);
      throw new DomainException('unavailable', 'spoolman_unavailable', message.slice(0, 300));
    }
    const mirrored = spools.slice(0, 20_000).map(mirrorOf);
    await this.dataSource.transaction(async (manager) => {
      await this.repository.mirror(manager, orgId, mirrored);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'spoolman.synced',
        subject: { type: 'Spool', id: null },
        details: { spools: mirrored.length },
      });
    });
    await this.repository.noteResult(orgId, null, true);
    const again = [
      ...(await this.repository.requeueFailed(orgId)),
      ...(await this.repository.stalePending(orgId, STALE_PENDING_MS)),
    ];
    for (const usageId of again) await enqueueSpoolmanUse(this.jobs, orgId, usageId, `retry-${Date.now()}`);
    return this.status(orgId);
  }
}

const notConfigured = () =>
  DomainException.notFound('spoolman_not_configured', 'This organization has no Spoolman server');
