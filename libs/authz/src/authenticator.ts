import { Injectable } from '@nestjs/common';
import type { Principal } from './principal';

/** What the guard needs of an incoming HTTP request or socket handshake. */
export interface Credentials {
  cookies: Record<string, string | undefined>;
  authorization: string | undefined;
}

/**
 * One way of proving who is calling (session cookie, API key, agent credential). Domains register theirs; the
 * guard asks each in turn. None of them looks at the client's address.
 */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<Principal | null>;
  /** Narrows a principal to one organization, reloading the membership so role changes apply at once. */
  scopeToOrganization(principal: Principal, orgId: string): Promise<Principal | null>;
}

@Injectable()
export class AuthenticatorRegistry {
  private readonly authenticators: Authenticator[] = [];

  register(authenticator: Authenticator): void {
    this.authenticators.push(authenticator);
  }

  async authenticate(credentials: Credentials): Promise<{ principal: Principal; authenticator: Authenticator } | null> {
    for (const authenticator of this.authenticators) {
      const principal = await authenticator.authenticate(credentials);
      if (principal) return { principal, authenticator };
    }
    return null;
  }
}
