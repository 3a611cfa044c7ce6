import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuthenticatorRegistry, type Authenticator, type Credentials, type Principal } from '@farmhand/authz';
import { SECRET_TOKEN_PREFIXES } from '../codes/secret-token';
import { PrinterCredentialsService } from './printer-credentials.service';

/** Agents authenticate with `Authorization: Bearer fh_agent_…` (HTTP) or the socket.io handshake's auth token. */
@Injectable()
export class AgentAuthenticator implements Authenticator, OnModuleInit {
  constructor(
    private readonly registry: AuthenticatorRegistry,
    private readonly credentials: PrinterCredentialsService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async authenticate(credentials: Credentials): Promise<Principal | null> {
    const bearer = credentials.authorization?.startsWith('Bearer ')
      ? credentials.authorization.slice(7).trim()
      : undefined;
    if (!bearer?.startsWith(SECRET_TOKEN_PREFIXES.agent)) return null;
    return this.credentials.authenticate(bearer);
  }

  async scopeToOrganization(principal: Principal, orgId: string): Promise<Principal | null> {
    return principal.kind === 'agent' && principal.orgId === orgId ? principal : null;
  }
}
