import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Membership } from '../entities/membership.entity';
import { SsoIdentity } from './entities/sso-identity.entity';
import { SsoProvider } from './entities/sso-provider.entity';

export type SsoProviderWithSecret = SsoProvider & { clientSecretCiphertext: string };

@Injectable()
export class SsoRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByOrg(orgId: string): Promise<SsoProvider | null> {
    return this.dataSource.getRepository(SsoProvider).findOneBy({ orgId });
  }

  findByOrgWithSecret(manager: EntityManager, orgId: string): Promise<SsoProviderWithSecret | null> {
    return manager
      .getRepository(SsoProvider)
      .createQueryBuilder('provider')
      .addSelect('provider.clientSecretCiphertext')
      .where('provider.orgId = :orgId', { orgId })
      .setLock('pessimistic_write')
      .getOne() as Promise<SsoProviderWithSecret | null>;
  }

  findEnabledBySlug(slug: string): Promise<SsoProvider | null> {
    return this.dataSource.getRepository(SsoProvider).findOneBy({ slug, enabled: true });
  }

  findEnabledByIdWithSecret(id: string): Promise<SsoProviderWithSecret | null> {
    return this.dataSource
      .getRepository(SsoProvider)
      .createQueryBuilder('provider')
      .addSelect('provider.clientSecretCiphertext')
      .where('provider.id = :id AND provider.enabled', { id })
      .getOne() as Promise<SsoProviderWithSecret | null>;
  }

  /** Enabled providers that list this email domain (at most two: more than one is ambiguous). */
  findEnabledByDomain(domain: string): Promise<SsoProvider[]> {
    return this.dataSource
      .getRepository(SsoProvider)
      .createQueryBuilder('provider')
      .where('provider.enabled AND :domain = ANY(provider.allowedDomains)', { domain })
      .orderBy('provider.createdAt', 'ASC')
      .limit(2)
      .getMany();
  }

  async save(manager: EntityManager, provider: Partial<SsoProviderWithSecret>): Promise<SsoProvider> {
    const repository = manager.getRepository(SsoProvider);
    return repository.save(repository.create(provider));
  }

  async delete(manager: EntityManager, orgId: string): Promise<boolean> {
    const result = await manager.getRepository(SsoProvider).delete({ orgId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * The organizations among the user's that require SSO and do not name them as the break-glass owner, with the
   * provider to point them at.
   */
  requiringSsoFor(userId: string): Promise<Array<{ orgName: string; slug: string; displayName: string }>> {
    return this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('membership')
      .innerJoin(SsoProvider, 'provider', 'provider.org_id = membership.org_id')
      .innerJoin('membership.organization', 'org')
      .select(['org.name AS "orgName"', 'provider.slug AS slug', 'provider.displayName AS "displayName"'])
      .where('membership.userId = :userId', { userId })
      .andWhere('provider.enabled AND provider.requireSso')
      .andWhere('(provider.breakGlassUserId IS NULL OR provider.breakGlassUserId <> :userId)', { userId })
      .orderBy('org.name', 'ASC')
      .getRawMany();
  }

  findIdentity(providerId: string, subject: string): Promise<SsoIdentity | null> {
    return this.dataSource.getRepository(SsoIdentity).findOneBy({ providerId, subject });
  }

  async linkIdentity(
    manager: EntityManager,
    identity: Pick<SsoIdentity, 'orgId' | 'providerId' | 'subject' | 'userId'>,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(SsoIdentity)
      .values({ ...identity, lastSignInAt: new Date() })
      .orUpdate(['last_sign_in_at'], ['provider_id', 'subject'])
      .execute();
  }
}
