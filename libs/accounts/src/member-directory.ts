import { Injectable } from '@nestjs/common';
import type { Role } from '@farmhand/authz';
import { DataSource } from 'typeorm';
import { Membership } from './entities/membership.entity';

export interface MemberIdentity {
  membershipId: string;
  orgId: string;
  userId: string;
  email: string;
  role: Role;
  fleetIds: string[] | null;
}

/**
 * The read provider other libraries use for one membership as it is right now (role and fleet limit): chat-ops builds
 * the member's ability from it on every command, so a role change or a removal applies to the very next one.
 */
@Injectable()
export class MemberDirectory {
  constructor(private readonly dataSource: DataSource) {}

  find(orgId: string, membershipId: string): Promise<MemberIdentity | null> {
    return this.one('membership.id = :membershipId AND membership.orgId = :orgId', { membershipId, orgId });
  }

  /** The person's membership of the organization now; null once they left or were removed. */
  findByUser(orgId: string, userId: string): Promise<MemberIdentity | null> {
    return this.one('membership.userId = :userId AND membership.orgId = :orgId', { userId, orgId });
  }

  private async one(where: string, parameters: Record<string, string>): Promise<MemberIdentity | null> {
    const membership = await this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('membership')
      .innerJoinAndSelect('membership.user', 'user')
      .where(where, parameters)
      .getOne();
    if (!membership?.user) return null;
    return {
      membershipId: membership.id,
      orgId: membership.orgId,
      userId: membership.userId,
      email: membership.user.email,
      role: membership.role,
      fleetIds: membership.fleetIds,
    };
  }
}
