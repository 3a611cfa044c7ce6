import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  DetectionFrameEmbedding,
  DetectionFrameLabel,
  DetectorHead,
  DetectorStateRow,
  type DetectorHeadState,
  type FrameLabel,
} from '../entities/detector.entity';

/** detection_frame_labels, detector_heads and detector_states: TypeORM only, no rules. */
@Injectable()
export class DetectorRepository {
  constructor(private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findLabel(manager: EntityManager, frameId: string): Promise<DetectionFrameLabel | null> {
    return manager.getRepository(DetectionFrameLabel).findOneBy({ frameId });
  }

  async saveLabel(
    manager: EntityManager,
    row: { frameId: string; orgId: string; printerId: string; label: FrameLabel; labelledBy: string; labelledAt: Date },
  ): Promise<void> {
    await manager.getRepository(DetectionFrameLabel).upsert(row, ['frameId']);
  }

  async deleteLabel(manager: EntityManager, frameId: string): Promise<void> {
    await manager.getRepository(DetectionFrameLabel).delete({ frameId });
  }

  async state(manager: EntityManager, orgId: string): Promise<DetectorStateRow | null> {
    return manager.getRepository(DetectorStateRow).findOneBy({ orgId });
  }

  /** The organization's state row, created when missing, locked until the transaction ends. */
  async lockState(manager: EntityManager, orgId: string): Promise<DetectorStateRow> {
    await manager.query(`INSERT INTO detector_states (org_id) VALUES ($1) ON CONFLICT (org_id) DO NOTHING`, [orgId]);
    return manager
      .getRepository(DetectorStateRow)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.orgId = :orgId', { orgId })
      .getOneOrFail();
  }

  async updateState(manager: EntityManager, orgId: string, changes: Partial<DetectorStateRow>): Promise<void> {
    await manager.getRepository(DetectorStateRow).update({ orgId }, changes);
  }

  /** Newest first. */
  async heads(orgId: string, limit: number): Promise<DetectorHead[]> {
    return this.manager.getRepository(DetectorHead).find({ where: { orgId }, order: { version: 'DESC' }, take: limit });
  }

  async head(manager: EntityManager, orgId: string, headId: string): Promise<DetectorHead | null> {
    return manager.getRepository(DetectorHead).findOneBy({ orgId, id: headId });
  }

  async setHeadState(
    manager: EntityManager,
    headId: string,
    state: DetectorHeadState,
    changes: Partial<Pick<DetectorHead, 'activatedAt' | 'activatedBy' | 'previousHeadId'>> = {},
  ): Promise<void> {
    await manager.getRepository(DetectorHead).update({ id: headId }, { state, ...changes });
  }

  async insertHead(
    manager: EntityManager,
    head: Omit<DetectorHead, 'id' | 'createdAt' | 'version'>,
  ): Promise<DetectorHead> {
    const [{ next }] = (await manager.query(
      `SELECT COALESCE(MAX(version), 0) + 1 AS next FROM detector_heads WHERE org_id = $1`,
      [head.orgId],
    )) as { next: number }[];
    const repository = manager.getRepository(DetectorHead);
    return repository.save(repository.create({ ...head, version: Number(next) }));
  }

  /** Every organization's active head (id and weights) for one backbone: what the inference role scores with. */
  async activeHeads(
    modelSha: string,
    orgIds: readonly string[],
  ): Promise<{ orgId: string; id: string; head: unknown }[]> {
    if (orgIds.length === 0) return [];
    return (await this.manager.query(
      `SELECT s.org_id AS "orgId", h.id, h.head FROM detector_states s
         JOIN detector_heads h ON h.id = s.active_head_id AND h.model_sha = $2
        WHERE s.org_id = ANY($1)`,
      [orgIds, modelSha],
    )) as { orgId: string; id: string; head: unknown }[];
  }

  /** Cached embeddings of these frames for this backbone (chunked: a training asks for thousands). */
  async embeddings(modelSha: string, frameIds: readonly string[]): Promise<DetectionFrameEmbedding[]> {
    const found: DetectionFrameEmbedding[] = [];
    for (let i = 0; i < frameIds.length; i += 500) {
      found.push(
        ...(await this.manager
          .getRepository(DetectionFrameEmbedding)
          .createQueryBuilder('e')
          .where('e.modelSha = :modelSha AND e.frameId IN (:...ids)', { modelSha, ids: frameIds.slice(i, i + 500) })
          .getMany()),
      );
    }
    return found;
  }

  async saveEmbedding(row: Omit<DetectionFrameEmbedding, 'createdAt'>): Promise<void> {
    await this.manager.getRepository(DetectionFrameEmbedding).upsert(row, ['frameId', 'modelSha']);
  }
}
