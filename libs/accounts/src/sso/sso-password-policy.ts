import { Injectable } from '@nestjs/common';
import { DomainException } from '@farmhand/core';
import { SsoRepository } from './sso.repository';

/**
 * "Require SSO": password sign-in is refused to a member of an organization that requires its provider, except that
 * organization's break-glass owner (the way back in when the provider is down or misconfigured). Asked only after
 * the password was found right, so the answer tells nothing to someone who does not know it.
 */
@Injectable()
export class SsoPasswordPolicy {
  constructor(private readonly providers: SsoRepository) {}

  async assertPasswordSignInAllowed(userId: string): Promise<void> {
    const requiring = await this.providers.requiringSsoFor(userId);
    const first = requiring[0];
    if (!first) return;
    throw new DomainException(
      'forbidden',
      'sso_required',
      `${first.orgName} requires single sign-on: use "Sign in with ${first.displayName}"`,
      undefined,
      { slug: first.slug, startUrl: `/api/auth/sso/${first.slug}/start` },
    );
  }
}
