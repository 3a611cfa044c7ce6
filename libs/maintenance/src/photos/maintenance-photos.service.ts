import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { subject, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { PrinterDirectory } from '@farmhand/printers';
import { DataSource } from 'typeorm';
import { MaintenanceCompletion } from '../entities/maintenance-completion.entity';
import { MaintenancePhoto } from '../entities/maintenance-photo.entity';
import { reencodePhoto } from './photo-image';
import { PhotoStorage } from './photo-storage';

export const MAX_PHOTOS_PER_COMPLETION = 5;

const completionNotFound = () =>
  DomainException.notFound('maintenance_completion_not_found', 'Maintenance record not found');

/**
 * Photos of a completed task (1 to 5): taken by whoever may complete maintenance on that printer, re-encoded
 * (photo-image.ts) and stored under DATA_DIR/maintenance; read by whoever may read the printer's history.
 */
@Injectable()
export class MaintenancePhotosService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly printers: PrinterDirectory,
    private readonly storage: PhotoStorage,
    private readonly audit: AuditService,
  ) {}

  /** Before the body is read: the completion exists, its printer is in reach, and there is room for a photo. */
  async admit(ability: AppAbility, orgId: string, completionId: string): Promise<MaintenanceCompletion> {
    const completion = await this.dataSource
      .getRepository(MaintenanceCompletion)
      .findOne({ where: { orgId, id: completionId } });
    if (!completion) throw completionNotFound();
    await this.printerInReach(ability, orgId, completion.printerId, 'update');
    if ((await this.count(completionId)) >= MAX_PHOTOS_PER_COMPLETION) throw limitReached();
    return completion;
  }

  async add(principal: Principal, completion: MaintenanceCompletion, bytes: Buffer, type: string) {
    const photo = await reencodePhoto(bytes, type);
    const id = randomUUID();
    const path = this.storage.pathFor(completion.orgId, completion.id, id);
    await this.storage.write(path, photo.jpeg);
    try {
      return await this.dataSource.transaction(async (manager) => {
        // The completion's row lock makes the count and the insert one step (two uploads at once cannot make six).
        await manager
          .getRepository(MaintenanceCompletion)
          .createQueryBuilder('c')
          .setLock('pessimistic_write')
          .where('c.id = :id', { id: completion.id })
          .getOne();
        if (
          (await manager.getRepository(MaintenancePhoto).count({ where: { completionId: completion.id } })) >=
          MAX_PHOTOS_PER_COMPLETION
        )
          throw limitReached();
        const row = manager.getRepository(MaintenancePhoto).create({
          id,
          orgId: completion.orgId,
          completionId: completion.id,
          printerId: completion.printerId,
          path,
          width: photo.width,
          height: photo.height,
          bytes: photo.jpeg.length,
        });
        await manager.getRepository(MaintenancePhoto).insert(row);
        await this.audit.record(manager, {
          orgId: completion.orgId,
          principal,
          action: 'maintenance.photoAdded',
          subject: { type: 'MaintenanceTask', id: completion.taskId },
          details: { completionId: completion.id, printerId: completion.printerId, photoId: id },
        });
        return { id, width: photo.width, height: photo.height };
      });
    } catch (error) {
      await this.storage.remove(path);
      throw error;
    }
  }

  async read(ability: AppAbility, orgId: string, completionId: string, photoId: string) {
    const photo = await this.dataSource
      .getRepository(MaintenancePhoto)
      .findOne({ where: { orgId, completionId, id: photoId } });
    if (!photo) throw DomainException.notFound('maintenance_photo_not_found', 'Photo not found');
    await this.printerInReach(ability, orgId, photo.printerId, 'read');
    return { bytes: await this.storage.read(photo.path), createdAt: photo.createdAt };
  }

  /** The photos of each completion, for the history (ids and sizes; the bytes come from `read`). */
  async ofCompletions(completionIds: string[]) {
    if (!completionIds.length) return new Map<string, { id: string; width: number; height: number }[]>();
    const rows = await this.dataSource
      .getRepository(MaintenancePhoto)
      .createQueryBuilder('p')
      .where('p.completion_id = ANY(:ids)', { ids: completionIds })
      .orderBy('p.created_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .getMany();
    const byCompletion = new Map<string, { id: string; width: number; height: number }[]>();
    for (const row of rows)
      byCompletion.set(row.completionId, [
        ...(byCompletion.get(row.completionId) ?? []),
        { id: row.id, width: row.width, height: row.height },
      ]);
    return byCompletion;
  }

  private count(completionId: string): Promise<number> {
    return this.dataSource.getRepository(MaintenancePhoto).count({ where: { completionId } });
  }

  private async printerInReach(ability: AppAbility, orgId: string, printerId: string, action: 'read' | 'update') {
    const [placement] = await this.printers.placements([printerId]);
    const printer = placement && placement.orgId === orgId ? subject('Printer', { ...placement }) : null;
    // A printer out of the caller's fleets hides its maintenance records too.
    if (!printer || ability.cannot('read', printer)) throw completionNotFound();
    if (action === 'update' && ability.cannot('update', printer))
      throw DomainException.forbidden('forbidden', 'You may not record maintenance on this printer');
  }
}

const limitReached = () =>
  DomainException.conflict(
    'maintenance_photo_limit',
    `At most ${MAX_PHOTOS_PER_COMPLETION} photos per maintenance record`,
    'photo',
  );
