import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { Invitation } from './entities/invitation.entity';

@Injectable()
export class InvitationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(
    manager: EntityManager,
    invitation: Omit<Invitation, 'createdAt' | 'acceptedAt' | 'acceptedBy' | 'revokedAt' | 'organization'>,
  ): Promise<Invitation> {
    const repository = manager.getRepository(Invitation);
    return repository.save(repository.create({ ...invitation, acceptedAt: null, acceptedBy: null, revokedAt: null }));
  }

  findById(id: string): Promise<Invitation | null> {
    return this.dataSource.getRepository(Invitation).findOne({ where: { id }, relations: { organization: true } });
  }

  listPending(orgId: string): Promise<Invitation[]> {
    return this.dataSource
      .getRepository(Invitation)
      .createQueryBuilder('invitation')
      .where('invitation.orgId = :orgId', { orgId })
      .andWhere('invitation.acceptedAt IS NULL AND invitation.revokedAt IS NULL AND invitation.expiresAt > now()')
      .orderBy('invitation.createdAt', 'DESC')
      .getMany();
  }

  /** Marks the invitation used if it still is usable; false when another request got there first. */
  async claim(manager: EntityManager, id: string, userId: string): Promise<boolean> {
    const result = await manager
      .getRepository(Invitation)
      .createQueryBuilder()
      .update()
      .set({ acceptedAt: () => 'now()', acceptedBy: userId })
      .where('id = :id AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()', { id })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Revokes every pending invitation a user sent in an organization (they left it); returns those revoked. */
  async revokeSentBy(
    manager: EntityManager,
    orgId: string,
    userId: string,
  ): Promise<Array<{ id: string; email: string; role: string }>> {
    const [rows]: [Array<{ id: string; email: string; role: string }>, number] = await manager.query(
      `UPDATE invitations SET revoked_at = now()
        WHERE org_id = $1 AND invited_by = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING id, email, role`,
      [orgId, userId],
    );
    return rows;
  }

  async revoke(manager: EntityManager, orgId: string, id: string): Promise<boolean> {
    const result = await manager
      .getRepository(Invitation)
      .update({ id, orgId, acceptedAt: IsNull(), revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) === 1;
  }
}
