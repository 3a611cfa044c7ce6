import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { API_KEY_SCOPES, ROLES, type ApiKeyScope, type Role } from '@farmhand/authz';
import { ApiDateTime, ApiUuid } from '@farmhand/core';

const FLEET_IDS: ApiPropertyOptions = {
  type: [String],
  format: 'uuid',
  nullable: true,
  description: 'The fleets it is limited to; null: every fleet',
};

export class UserDto {
  @ApiUuid() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
}

/** The same for a new and a taken address: sign-up no longer tells which addresses have accounts. */
export class SignedUpDto {
  @ApiProperty({ enum: ['check_email'], description: 'Check your email (when verification is on), then sign in' })
  status!: 'check_email';
}

export class SignedInDto {
  @ApiProperty({ type: UserDto, nullable: true, description: 'null while a second factor is owed' })
  user!: UserDto | null;
  @ApiProperty({ description: 'The password was right; send a code to /auth/sign-in/second-factor' })
  secondFactorRequired!: boolean;
}

/** The account page's own details. */
export class ProfileDto extends UserDto {
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ description: 'Creating or joining an organization needs a verified email on this server' })
  emailVerificationRequired!: boolean;
}

export class SessionsEndedDto {
  @ApiProperty({ description: 'How many sessions were ended' }) ended!: number;
}

/** An organization the caller belongs to, with the caller's role in it. */
export class OrganizationMembershipDto {
  @ApiUuid() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role!: Role;
  @ApiProperty(FLEET_IDS) fleetIds!: string[] | null;
}

export class CurrentUserDto {
  @ApiUuid() id!: string;
  @ApiProperty() email!: string;
}

export class MeDto {
  @ApiProperty({ type: CurrentUserDto }) user!: CurrentUserDto;
  @ApiProperty({ type: [OrganizationMembershipDto] }) organizations!: OrganizationMembershipDto[];
}

export class SessionDto {
  @ApiUuid() id!: string;
  @ApiDateTime() createdAt!: Date;
  @ApiDateTime() lastSeenAt!: Date;
  @ApiDateTime() expiresAt!: Date;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ description: 'Browser and system, from the user agent (e.g. "Firefox on Linux")' }) device!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The client address it signed in from' })
  ip!: string | null;
  @ApiProperty({ description: 'The session of this very request' }) current!: boolean;
}

export class OrganizationDto {
  @ApiUuid() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Owners and admins must use two-factor sign-in (PUT /orgs/{orgId}/security)' })
  requireTwoFactor!: boolean;
  @ApiDateTime() createdAt!: Date;
}

export class CreatedOrganizationDto extends OrganizationDto {
  @ApiProperty({ enum: ['owner'], description: 'The creator owns it' }) role!: 'owner';
}

/** A member as the team page lists them. */
export class MemberDto {
  @ApiUuid({ description: 'The membership id (`memberId` in paths)' }) id!: string;
  @ApiUuid() orgId!: string;
  @ApiUuid() userId!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role!: Role;
  @ApiProperty(FLEET_IDS) fleetIds!: string[] | null;
  @ApiDateTime() createdAt!: Date;
}

/** A membership after a change. */
export class MembershipDto {
  @ApiUuid() id!: string;
  @ApiUuid() orgId!: string;
  @ApiUuid() userId!: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role!: Role;
  @ApiProperty(FLEET_IDS) fleetIds!: string[] | null;
  @ApiDateTime() createdAt!: Date;
  @ApiDateTime() updatedAt!: Date;
}

export class InvitationDto {
  @ApiUuid() id!: string;
  @ApiUuid() orgId!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role!: Role;
  @ApiProperty(FLEET_IDS) fleetIds!: string[] | null;
  @ApiUuid({ description: 'The user who invited' }) invitedBy!: string;
  @ApiDateTime() createdAt!: Date;
  @ApiDateTime() expiresAt!: Date;
  @ApiDateTime({ nullable: true }) acceptedAt!: Date | null;
  @ApiUuid({ nullable: true }) acceptedBy!: string | null;
  @ApiDateTime({ nullable: true }) revokedAt!: Date | null;
}

export class CreatedInvitationDto {
  @ApiProperty({ type: InvitationDto }) invitation!: InvitationDto;
  @ApiProperty({ description: 'The secret invitation token; shown once, only its hash is kept' }) token!: string;
  @ApiProperty({ description: 'The link to send to the invited person' }) url!: string;
  @ApiProperty({ description: 'The link was also mailed to the invited address (SMTP_URL is set)' }) emailed!: boolean;
}

export class InvitedOrganizationDto {
  @ApiUuid() id!: string;
  @ApiPropertyOptional() name?: string;
}

export class InvitationPreviewDto {
  @ApiProperty({ type: InvitedOrganizationDto }) organization!: InvitedOrganizationDto;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role!: Role;
  @ApiDateTime() expiresAt!: Date;
}

export class AcceptedInvitationDto {
  @ApiUuid() orgId!: string;
  @ApiUuid() membershipId!: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role!: Role;
}

export class FleetDto {
  @ApiUuid() id!: string;
  @ApiUuid() orgId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiDateTime() createdAt!: Date;
}

/** An API key as listed: never its secret. */
export class ApiKeyDto {
  @ApiUuid() id!: string;
  @ApiUuid() orgId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, enumName: 'ApiKeyScope', isArray: true }) scopes!: ApiKeyScope[];
  @ApiProperty(FLEET_IDS) fleetIds!: string[] | null;
  @ApiUuid({ description: 'The user who created it' }) createdBy!: string;
  @ApiDateTime() createdAt!: Date;
  @ApiDateTime({ nullable: true }) expiresAt!: Date | null;
  @ApiDateTime({ nullable: true }) lastUsedAt!: Date | null;
  @ApiDateTime({ nullable: true }) revokedAt!: Date | null;
}

export class CreatedApiKeyDto {
  @ApiProperty({ type: ApiKeyDto }) apiKey!: ApiKeyDto;
  @ApiProperty({ description: 'The key (`fh_key_…`); shown once, only its hash is kept' }) key!: string;
}

export class PasswordChangedDto {
  @ApiProperty({ description: 'Sessions of this account signed out (every one but the current)' })
  otherSessionsEnded!: number;
}
