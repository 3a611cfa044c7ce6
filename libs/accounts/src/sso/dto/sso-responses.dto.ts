import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { SSO_ASSIGNABLE_ROLES } from '../sso-roles';

/** The organization's provider as its owners see it; the client secret is never in it. */
export class SsoProviderDto {
  @ApiUuid() id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() issuerUrl!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty({ description: 'Whether a client secret is stored (it is never returned)' }) clientSecretSet!: boolean;
  @ApiProperty({ type: [String] }) allowedDomains!: string[];
  @ApiProperty({ enum: SSO_ASSIGNABLE_ROLES }) defaultRole!: string;
  @ApiProperty({ type: [String], nullable: true }) defaultFleetIds!: string[] | null;
  @ApiProperty({ type: String, nullable: true }) groupClaim!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...SSO_ASSIGNABLE_ROLES] },
    nullable: true,
  })
  groupRoles!: Record<string, string> | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() requireSso!: boolean;
  @ApiUuid({ nullable: true }) breakGlassUserId!: string | null;
  @ApiProperty({ description: "The organization's sign-in page: give it to members" }) signInUrl!: string;
  @ApiProperty({ description: 'The redirect URI to register at the provider' }) redirectUri!: string;
  @ApiDateTime() createdAt!: string;
  @ApiDateTime() updatedAt!: string;
}

/** What the public sign-in page learns: enough to offer "Sign in with <displayName>". */
export class SsoProviderHintDto {
  @ApiProperty() slug!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ description: 'Where the browser goes to start signing in (a redirect to the provider)' })
  startUrl!: string;
}
