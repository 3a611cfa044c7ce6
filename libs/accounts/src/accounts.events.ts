import type { Role } from '@farmhand/authz';

export interface AccountsEventMap {
  'member.removed': { orgId: string; userId: string; membershipId: string };
  'member.roleChanged': { orgId: string; userId: string; membershipId: string; role: Role; fleetIds: string[] | null };
  'session.revoked': { userId: string; sessionId: string };
  'organization.deleted': { orgId: string };
  /** A key revoked by an admin, or because the member who created it left: its open sockets close at once. */
  'apiKey.revoked': { orgId: string; keyId: string };
  /**
   * A mail that account flows need sent to one address (an invitation, a password reset, an email verification).
   * Accounts writes it; the notifications library sends it over SMTP when `SMTP_URL` is set, and drops it otherwise
   * (the flows then offer a link to copy). Holds a secret link: never log `text`/`html`.
   */
  'account.email': {
    purpose: 'invitation' | 'password_reset' | 'email_verification';
    to: string;
    subject: string;
    text: string;
    html?: string;
    orgId?: string;
  };
}

declare module '@farmhand/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DomainEventMap extends AccountsEventMap {}
}
