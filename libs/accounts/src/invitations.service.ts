import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { grantableRoles, type Principal, type Role, type UserPrincipal } from '@farmhand/authz';
import {
  APP_CONFIG,
  DomainEvents,
  DomainException,
  composeToken,
  digestsEqual,
  isUniqueViolation,
  randomSecret,
  sha256Hex,
  splitToken,
  type AppConfig,
} from '@farmhand/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Invitation } from './entities/invitation.entity';
import { InvitationsRepository } from './invitations.repository';
import { MembersService } from './members.service';
import { OrganizationsRepository } from './organizations.repository';
import { EmailVerificationService } from './recovery/email-verification.service';

export const INVITATION_TOKEN_PREFIX = 'fh_inv';

function view(invitation: Invitation) {
  const { secretHash: _secret, organization: _organization, ...rest } = invitation;
  return rest;
}

@Injectable()
export class InvitationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly invitations: InvitationsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly members: MembersService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly verification: EmailVerificationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The link (with its secret) is returned once, here; only its hash is kept. */
  async create(principal: Principal, orgId: string, input: { email: string; role: Role; fleetIds?: string[] | null }) {
    const inviterRole = principal.kind === 'user' ? principal.role : null;
    if (!inviterRole || !grantableRoles(inviterRole).includes(input.role)) {
      throw DomainException.forbidden('role_not_grantable', `You cannot invite someone as ${input.role}`);
    }
    await this.members.assertFleetsBelong(orgId, input.fleetIds);
    const id = randomUUID();
    const secret = randomSecret(32);
    const invitation = await this.dataSource.transaction(async (manager) => {
      const created = await this.invitations.create(manager, {
        id,
        orgId,
        email: input.email.trim().toLowerCase(),
        role: input.role,
        fleetIds: input.fleetIds ?? null,
        secretHash: sha256Hex(secret),
        invitedBy: (principal as UserPrincipal).userId,
        expiresAt: new Date(Date.now() + this.config.INVITATION_TTL_HOURS * 3600 * 1000),
      });
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'invitation.created',
        subject: { type: 'Invitation', id },
        details: { email: created.email, role: created.role },
      });
      return created;
    });
    const token = composeToken(INVITATION_TOKEN_PREFIX, id, secret);
    const url = `${this.config.PUBLIC_URL}/invitations/${token}`;
    // With SMTP configured the link is also mailed (libs/notifications sends `account.email`); the copy path stays.
    const emailed = Boolean(this.config.SMTP_URL);
    if (emailed) await this.mailInvitation(principal, orgId, invitation.email, url);
    return { invitation: view(invitation), token, url, emailed };
  }

  private async mailInvitation(principal: Principal, orgId: string, to: string, url: string): Promise<void> {
    const organization = (await this.organizations.findById(orgId))?.name ?? 'an organization';
    const inviter = principal.kind === 'user' ? principal.email : 'An administrator';
    const escape = (value: string) =>
      value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    this.events.emit('account.email', {
      purpose: 'invitation',
      to,
      orgId,
      subject: `You are invited to ${organization} on Farmhand`,
      text: `${inviter} invited you to join ${organization} on Farmhand.\n\nAccept the invitation: ${url}\n\nThe link expires in ${this.config.INVITATION_TTL_HOURS} hours. If you did not expect it, ignore this mail.`,
      html: `<p>${escape(inviter)} invited you to join <b>${escape(organization)}</b> on Farmhand.</p><p><a href="${escape(url)}">Accept the invitation</a></p><p>The link expires in ${this.config.INVITATION_TTL_HOURS} hours. If you did not expect it, ignore this mail.</p>`,
    });
  }

  async listPending(orgId: string) {
    return (await this.invitations.listPending(orgId)).map(view);
  }

  async revoke(principal: Principal, orgId: string, invitationId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.invitations.revoke(manager, orgId, invitationId))) {
        throw DomainException.notFound('invitation_not_found', 'No pending invitation with this id');
      }
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'invitation.revoked',
        subject: { type: 'Invitation', id: invitationId },
      });
    });
  }

  /** What the invitation page shows before accepting; only someone holding the link can see it. */
  async preview(token: string) {
    const invitation = await this.findUsable(token);
    return {
      organization: { id: invitation.orgId, name: invitation.organization?.name },
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
    };
  }

  /** Single use: the claim is one conditional UPDATE, so two concurrent accepts succeed once. */
  async accept(principal: UserPrincipal, token: string) {
    const invitation = await this.findUsable(token);
    if (invitation.email !== principal.email.toLowerCase()) {
      throw DomainException.forbidden('invitation_email_mismatch', 'This invitation was sent to another email address');
    }
    await this.verification.assertVerified(principal.userId);
    try {
      return await this.dataSource.transaction(async (manager) => {
        if (!(await this.invitations.claim(manager, invitation.id, principal.userId))) {
          throw new DomainException(
            'gone',
            'invitation_used',
            'This invitation has already been used, revoked or has expired',
          );
        }
        const membership = await this.organizations.addMember(manager, {
          orgId: invitation.orgId,
          userId: principal.userId,
          role: invitation.role,
          fleetIds: invitation.fleetIds,
        });
        await this.audit.record(manager, {
          orgId: invitation.orgId,
          principal,
          action: 'invitation.accepted',
          subject: { type: 'Member', id: membership.id },
          details: { invitationId: invitation.id, role: invitation.role },
        });
        return { orgId: invitation.orgId, membershipId: membership.id, role: invitation.role };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'memberships_org_user_unique')) {
        throw DomainException.conflict('already_member', 'You are already a member of this organization');
      }
      throw error;
    }
  }

  private async findUsable(token: string): Promise<Invitation> {
    const parts = splitToken(INVITATION_TOKEN_PREFIX, token);
    const invitation = parts && /^[0-9a-f-]{36}$/.test(parts.id) ? await this.invitations.findById(parts.id) : null;
    if (!parts || !invitation || !digestsEqual(invitation.secretHash, sha256Hex(parts.secret))) {
      throw DomainException.notFound('invitation_not_found', 'Invitation not found');
    }
    if (invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt.getTime() <= Date.now()) {
      throw new DomainException(
        'gone',
        'invitation_used',
        'This invitation has already been used, revoked or has expired',
      );
    }
    return invitation;
  }
}
