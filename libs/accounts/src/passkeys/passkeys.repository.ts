import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PasskeyCredential } from './passkey-credential.entity';

@Injectable()
export class PasskeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  listForUser(userId: string): Promise<PasskeyCredential[]> {
    return this.dataSource.getRepository(PasskeyCredential).find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  countForUser(userId: string): Promise<number> {
    return this.dataSource.getRepository(PasskeyCredential).countBy({ userId });
  }

  findByCredentialId(credentialId: string): Promise<PasskeyCredential | null> {
    return this.dataSource.getRepository(PasskeyCredential).findOneBy({ credentialId });
  }

  findForUser(userId: string, id: string): Promise<PasskeyCredential | null> {
    return this.dataSource.getRepository(PasskeyCredential).findOneBy({ id, userId });
  }

  async insert(
    manager: EntityManager,
    row: Omit<PasskeyCredential, 'id' | 'createdAt' | 'lastUsedAt' | 'user'>,
  ): Promise<PasskeyCredential> {
    const repository = manager.getRepository(PasskeyCredential);
    return repository.save(repository.create({ ...row, lastUsedAt: null }));
  }

  async delete(manager: EntityManager, userId: string, id: string): Promise<boolean> {
    const result = await manager.getRepository(PasskeyCredential).delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Moves the counter from the value the assertion was checked against to the new one, in one conditional UPDATE:
   * of two assertions checked against the same counter at once, one wins.
   */
  async advanceCounter(id: string, from: string, to: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(PasskeyCredential)
      .set({ counter: String(to), lastUsedAt: () => 'now()' })
      .where('id = :id AND counter = :from', { id, from })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
