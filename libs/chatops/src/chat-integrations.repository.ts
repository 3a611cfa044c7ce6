import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ChatIntegration } from './entities/chat-integration.entity';

/** An organization keeps at most this many chat integrations. */
export const MAX_INTEGRATIONS_PER_ORG = 20;

@Injectable()
export class ChatIntegrationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(orgId: string): Promise<ChatIntegration[]> {
    return this.dataSource
      .getRepository(ChatIntegration)
      .find({ where: { orgId }, order: { createdAt: 'ASC' }, take: MAX_INTEGRATIONS_PER_ORG });
  }

  count(manager: EntityManager, orgId: string): Promise<number> {
    return manager.getRepository(ChatIntegration).countBy({ orgId });
  }

  findInOrg(manager: EntityManager, orgId: string, id: string): Promise<ChatIntegration | null> {
    return manager.getRepository(ChatIntegration).findOneBy({ orgId, id });
  }

  /** With its encrypted secret: only the inbound path, to verify a request. */
  findWithSecret(id: string): Promise<ChatIntegration | null> {
    return this.dataSource
      .getRepository(ChatIntegration)
      .createQueryBuilder('integration')
      .addSelect('integration.secretCiphertext')
      .where('integration.id = :id', { id })
      .getOne();
  }

  async insert(manager: EntityManager, integration: Partial<ChatIntegration>): Promise<ChatIntegration> {
    const repository = manager.getRepository(ChatIntegration);
    return repository.save(repository.create(integration));
  }

  async update(manager: EntityManager, id: string, changes: Partial<ChatIntegration>): Promise<void> {
    await manager.getRepository(ChatIntegration).update({ id }, changes as never);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(ChatIntegration).delete({ id });
  }
}
