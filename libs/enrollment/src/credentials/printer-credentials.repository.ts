import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { PrinterCredential } from '../entities/printer-credential.entity';

@Injectable()
export class PrinterCredentialsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    credential: Pick<PrinterCredential, 'id' | 'orgId' | 'printerId' | 'secretHash'>,
  ): Promise<void> {
    await manager
      .getRepository(PrinterCredential)
      .insert({ ...credential, expiresAt: null, revokedAt: null, lastUsedAt: null });
  }

  /** A usable credential with its hash: not revoked, and not past its rotation grace window. */
  findUsable(id: string): Promise<PrinterCredential | null> {
    return this.dataSource
      .getRepository(PrinterCredential)
      .createQueryBuilder('credential')
      .addSelect('credential.secretHash')
      .where('credential.id = :id', { id })
      .andWhere('credential.revokedAt IS NULL')
      .andWhere('(credential.expiresAt IS NULL OR credential.expiresAt > now())')
      .getOne();
  }

  listUsable(printerId: string): Promise<PrinterCredential[]> {
    return this.dataSource
      .getRepository(PrinterCredential)
      .createQueryBuilder('credential')
      .where('credential.printerId = :printerId', { printerId })
      .andWhere('credential.revokedAt IS NULL')
      .andWhere('(credential.expiresAt IS NULL OR credential.expiresAt > now())')
      .orderBy('credential.createdAt', 'DESC')
      .getMany();
  }

  /** Starts the grace window of every current credential of the printer; returns their ids. */
  async expireCurrent(manager: EntityManager, printerId: string, at: Date): Promise<string[]> {
    const result = await manager
      .getRepository(PrinterCredential)
      .createQueryBuilder()
      .update()
      .set({ expiresAt: at })
      .where('printer_id = :printerId AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :at)', {
        printerId,
        at,
      })
      .returning(['id'])
      .execute();
    return (result.raw as Array<{ id: string }>).map((row) => row.id);
  }

  async revokeAll(manager: EntityManager, printerId: string): Promise<string[]> {
    const result = await manager
      .getRepository(PrinterCredential)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where({ printerId, revokedAt: IsNull() })
      .returning(['id'])
      .execute();
    return (result.raw as Array<{ id: string }>).map((row) => row.id);
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.getRepository(PrinterCredential).update({ id }, { lastUsedAt: new Date() });
  }
}
