import { Injectable } from '@nestjs/common';
import type { Role } from '@farmhand/authz';
import { DataSource, type EntityManager } from 'typeorm';
import { Membership } from './entities/membership.entity';
import { Organization } from './entities/organization.entity';

export interface MembershipView {
  id: string;
  orgId: string;
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  fleetIds: string[] | null;
  createdAt: Date;
}

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(manager: EntityManager, name: string): Promise<Organization> {
    const repository = manager.getRepository(Organization);
    return repository.save(repository.create({ name }));
  }

  findById(id: string): Promise<Organization | null> {
    return this.dataSource.getRepository(Organization).findOneBy({ id });
  }

  async rename(manager: EntityManager, id: string, name: string): Promise<void> {
    await manager.getRepository(Organization).update({ id }, { name });
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Organization).delete({ id });
  }

  /** The organizations a user belongs to, with the user's role in each. */
  listForUser(userId: string): Promise<Array<{ id: string; name: string; role: Role; fleetIds: string[] | null }>> {
    return this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('membership')
      .innerJoin('membership.organization', 'org')
      .select(['org.id AS id', 'org.name AS name', 'membership.role AS role', 'membership.fleetIds AS "fleetIds"'])
      .where('membership.userId = :userId', { userId })
      .orderBy('org.name', 'ASC')
      .getRawMany();
  }

  async addMember(
    manager: EntityManager,
    member: Pick<Membership, 'orgId' | 'userId' | 'role' | 'fleetIds'>,
  ): Promise<Membership> {
    const repository = manager.getRepository(Membership);
    return repository.save(repository.create(member));
  }

  findMembership(orgId: string, userId: string): Promise<Membership | null> {
    return this.dataSource.getRepository(Membership).findOneBy({ orgId, userId });
  }

  /** Locks the organization's memberships for the rest of the transaction (owner-count rules). */
  async lockMemberships(manager: EntityManager, orgId: string): Promise<Membership[]> {
    return manager
      .getRepository(Membership)
      .createQueryBuilder('membership')
      .setLock('pessimistic_write')
      .where('membership.orgId = :orgId', { orgId })
      .getMany();
  }

  async updateMembership(
    manager: EntityManager,
    id: string,
    changes: Partial<Pick<Membership, 'role' | 'fleetIds'>>,
  ): Promise<void> {
    await manager.getRepository(Membership).update({ id }, changes);
  }

  async removeMembership(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Membership).delete({ id });
  }

  listMembers(orgId: string): Promise<MembershipView[]> {
    return this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('membership')
      .innerJoin('membership.user', 'user')
      .select([
        'membership.id AS id',
        'membership.orgId AS "orgId"',
        'membership.userId AS "userId"',
        'user.email AS email',
        'user.displayName AS "displayName"',
        'membership.role AS role',
        'membership.fleetIds AS "fleetIds"',
        'membership.createdAt AS "createdAt"',
      ])
      .where('membership.orgId = :orgId', { orgId })
      .orderBy('user.email', 'ASC')
      .getRawMany();
  }
}
