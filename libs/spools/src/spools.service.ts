import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { subject, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainException, isUniqueViolation } from '@farmhand/core';
import { PrinterDirectory } from '@farmhand/printers';
import { DataSource, type EntityManager } from 'typeorm';
import type { CreateSpoolDto, ListSpoolsDto, LoadSpoolDto, UpdateSpoolDto } from './dto/spool.dto';
import type { SpoolUsage } from './entities/spool-usage.entity';
import type { Spool } from './entities/spool.entity';
import { SpoolsRepository, type SpoolChanges } from './spools.repository';

export interface SpoolView {
  id: string;
  material: string;
  colorName: string | null;
  colorHex: string | null;
  vendor: string | null;
  diameterMm: number;
  initialGrams: number;
  remainingGrams: number;
  costCents: number | null;
  location: string | null;
  lot: string | null;
  lowStockGrams: number;
  lowStock: boolean;
  printerId: string | null;
  slot: number | null;
  loadedAt: string | null;
  archivedAt: string | null;
  createdAt: string;
  /** The spool's id in the organization's Spoolman (its weights are Spoolman's); null for a built-in spool. */
  spoolmanId: number | null;
}

export function toSpoolView(spool: Spool): SpoolView {
  return {
    id: spool.id,
    material: spool.material,
    colorName: spool.colorName,
    colorHex: spool.colorHex,
    vendor: spool.vendor,
    diameterMm: spool.diameterMm,
    initialGrams: spool.initialGrams,
    remainingGrams: spool.remainingGrams,
    costCents: spool.costCents,
    location: spool.location,
    lot: spool.lot,
    lowStockGrams: spool.lowStockGrams,
    lowStock: spool.remainingGrams < spool.lowStockGrams,
    printerId: spool.printerId,
    slot: spool.printerId ? spool.slot : null,
    loadedAt: spool.loadedAt?.toISOString() ?? null,
    archivedAt: spool.archivedAt?.toISOString() ?? null,
    createdAt: spool.createdAt.toISOString(),
    spoolmanId: spool.spoolmanId,
  };
}

const toUsageView = (usage: SpoolUsage) => ({
  id: usage.id,
  printerId: usage.printerId,
  copyId: usage.copyId,
  attempt: usage.attempt,
  grams: usage.grams,
  fraction: usage.fraction,
  outcome: usage.outcome,
  recordedAt: usage.recordedAt.toISOString(),
  spoolmanState: usage.spoolmanState,
  spoolmanError: usage.spoolmanError,
});

/** An organization's inventory is bounded like its other lists. */
export const MAX_SPOOLS_PER_ORG = 20_000;

const notFound = () => DomainException.notFound('spool_not_found', 'Spool not found');
const spoolmanOwns = () =>
  DomainException.conflict(
    'spoolman_manages_spools',
    'This organization reads its spools from Spoolman: change them there, then sync',
  );
const text = (value: string | null | undefined) => (value == null ? null : value.trim() || null);

/**
 * The built-in spool inventory: create, edit (admins: costs and weights), archive, load on a printer slot and
 * unload (operators, on printers of their fleets). Usage is written by SpoolUsageRecorder when prints end.
 */
@Injectable()
export class SpoolsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly spools: SpoolsRepository,
    private readonly printers: PrinterDirectory,
    private readonly audit: AuditService,
  ) {}

  async list(orgId: string, query: ListSpoolsDto): Promise<{ items: SpoolView[] }> {
    const rows = await this.spools.list(orgId, {
      spoolman: await this.spools.usesSpoolman(orgId),
      printerId: query.printerId,
      material: query.material?.trim(),
      includeArchived: query.includeArchived ?? false,
      limit: query.limit ?? 500,
    });
    return { items: rows.map(toSpoolView) };
  }

  async get(orgId: string, id: string): Promise<SpoolView> {
    const spool = await this.spools.find(orgId, id);
    if (!spool) throw notFound();
    return toSpoolView(spool);
  }

  async usage(orgId: string, id: string, limit = 100) {
    if (!(await this.spools.find(orgId, id))) throw notFound();
    return { items: (await this.spools.usage(orgId, id, limit)).map(toUsageView) };
  }

  async create(principal: Principal, orgId: string, input: CreateSpoolDto): Promise<SpoolView> {
    const remaining = input.remainingGrams ?? input.initialGrams;
    if (remaining > input.initialGrams)
      throw DomainException.invalid(
        'spool_weight_invalid',
        'remainingGrams cannot exceed initialGrams',
        'remainingGrams',
      );
    return this.dataSource.transaction(async (manager) => {
      if (await this.spools.usesSpoolman(orgId, manager)) throw spoolmanOwns();
      if ((await this.spools.countActive(manager, orgId)) >= MAX_SPOOLS_PER_ORG)
        throw DomainException.conflict('spool_limit_reached', `At most ${MAX_SPOOLS_PER_ORG} spools per organization`);
      const spool = await this.spools.insert(manager, {
        orgId,
        material: input.material.trim(),
        colorName: text(input.colorName),
        colorHex: input.colorHex?.toLowerCase() ?? null,
        vendor: text(input.vendor),
        diameterMm: input.diameterMm ?? 1.75,
        initialGrams: input.initialGrams,
        remainingGrams: remaining,
        costCents: input.costCents ?? null,
        location: text(input.location),
        lot: text(input.lot),
        lowStockGrams: input.lowStockGrams ?? 100,
      });
      await this.record(manager, principal, orgId, 'spool.created', spool.id, {
        material: spool.material,
        initialGrams: spool.initialGrams,
      });
      return toSpoolView(spool);
    });
  }

  async update(principal: Principal, orgId: string, id: string, input: UpdateSpoolDto): Promise<SpoolView> {
    const changes: SpoolChanges = {};
    if (input.material !== undefined) changes.material = input.material.trim();
    if (input.colorName !== undefined) changes.colorName = text(input.colorName);
    if (input.colorHex !== undefined) changes.colorHex = input.colorHex?.toLowerCase() ?? null;
    if (input.vendor !== undefined) changes.vendor = text(input.vendor);
    if (input.diameterMm !== undefined) changes.diameterMm = input.diameterMm;
    if (input.initialGrams !== undefined) changes.initialGrams = input.initialGrams;
    if (input.remainingGrams !== undefined) changes.remainingGrams = input.remainingGrams;
    if (input.costCents !== undefined) changes.costCents = input.costCents;
    if (input.location !== undefined) changes.location = text(input.location);
    if (input.lot !== undefined) changes.lot = text(input.lot);
    if (input.lowStockGrams !== undefined) changes.lowStockGrams = input.lowStockGrams;
    return this.dataSource.transaction(async (manager) => {
      const spool = await this.spools.lock(manager, orgId, id);
      if (!spool) throw notFound();
      if (spool.spoolmanId != null) throw spoolmanOwns();
      const initial = changes.initialGrams ?? spool.initialGrams;
      if ((changes.remainingGrams ?? spool.remainingGrams) > initial)
        throw DomainException.invalid(
          'spool_weight_invalid',
          'remainingGrams cannot exceed initialGrams',
          'remainingGrams',
        );
      if (Object.keys(changes).length) {
        await this.spools.update(manager, id, changes);
        await this.record(manager, principal, orgId, 'spool.updated', id, {
          changed: Object.keys(changes),
          ...(changes.remainingGrams !== undefined
            ? { remainingGrams: [spool.remainingGrams, changes.remainingGrams] }
            : {}),
          ...(changes.costCents !== undefined ? { costCents: [spool.costCents, changes.costCents] } : {}),
        });
      }
      return toSpoolView((await this.spools.find(orgId, id, manager))!);
    });
  }

  /** Archived spools leave the printer and the lists; their usage stays for reports. */
  async archive(principal: Principal, orgId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const spool = await this.spools.lock(manager, orgId, id);
      if (!spool) throw notFound();
      if (spool.spoolmanId != null) throw spoolmanOwns();
      if (spool.archivedAt) return;
      await this.spools.update(manager, id, { archivedAt: new Date(), printerId: null, slot: null, loadedAt: null });
      await this.record(manager, principal, orgId, 'spool.archived', id, { printerId: spool.printerId });
    });
  }

  /**
   * Puts the spool in a printer's slot; whatever was in that slot comes off, and the spool leaves where it was.
   * The caller must be able to change that printer (its fleet): a printer out of reach does not exist for them.
   */
  async load(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    id: string,
    input: LoadSpoolDto,
  ): Promise<SpoolView> {
    const slot = input.slot ?? 0;
    await this.assertPrinterInReach(ability, orgId, input.printerId);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const spool = await this.spools.lock(manager, orgId, id);
        if (!spool) throw notFound();
        if (spool.archivedAt) throw DomainException.conflict('spool_archived', 'An archived spool cannot be loaded');
        // While Spoolman is the inventory, only its spools go on printers (their usage must reach Spoolman).
        if (spool.spoolmanId == null && (await this.spools.usesSpoolman(orgId, manager))) throw spoolmanOwns();
        if (spool.printerId === input.printerId && spool.slot === slot) return toSpoolView(spool);
        const occupant = await this.spools.lockInSlot(manager, input.printerId, slot);
        if (occupant) {
          await this.spools.update(manager, occupant.id, { printerId: null, slot: null, loadedAt: null });
          await this.record(manager, principal, orgId, 'spool.unloaded', occupant.id, {
            printerId: input.printerId,
            slot,
            replacedBy: id,
          });
        }
        await this.spools.update(manager, id, { printerId: input.printerId, slot, loadedAt: new Date() });
        await this.record(manager, principal, orgId, 'spool.loaded', id, {
          printerId: input.printerId,
          slot,
          from: spool.printerId ? { printerId: spool.printerId, slot: spool.slot } : null,
        });
        return toSpoolView((await this.spools.find(orgId, id, manager))!);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'spools_printer_slot_unique'))
        throw DomainException.conflict('spool_slot_taken', 'Another spool was just loaded in that slot', 'slot');
      throw error;
    }
  }

  async unload(principal: Principal, ability: AppAbility, orgId: string, id: string): Promise<SpoolView> {
    return this.dataSource.transaction(async (manager) => {
      const spool = await this.spools.lock(manager, orgId, id);
      if (!spool) throw notFound();
      if (!spool.printerId) return toSpoolView(spool);
      await this.assertPrinterInReach(ability, orgId, spool.printerId);
      await this.spools.update(manager, id, { printerId: null, slot: null, loadedAt: null });
      await this.record(manager, principal, orgId, 'spool.unloaded', id, {
        printerId: spool.printerId,
        slot: spool.slot,
      });
      return toSpoolView((await this.spools.find(orgId, id, manager))!);
    });
  }

  private async assertPrinterInReach(ability: AppAbility, orgId: string, printerId: string): Promise<void> {
    const [placement] = await this.printers.placements([printerId]);
    const printer = placement && placement.orgId === orgId ? subject('Printer', { ...placement }) : null;
    if (!printer || ability.cannot('read', printer))
      throw DomainException.notFound('printer_not_found', 'Printer not found');
    if (ability.cannot('update', printer))
      throw DomainException.forbidden('forbidden', 'You may not change what is loaded on this printer');
  }

  private record(
    manager: EntityManager,
    principal: Principal,
    orgId: string,
    action: string,
    id: string,
    details: Record<string, unknown>,
  ) {
    return this.audit.record(manager, { orgId, principal, action, subject: { type: 'Spool', id }, details });
  }
}
