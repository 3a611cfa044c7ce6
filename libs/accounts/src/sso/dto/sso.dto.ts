import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { SSO_ASSIGNABLE_ROLES, type SsoAssignableRole } from '../sso-roles';

export const MAX_ISSUER_URL_LENGTH = 2048;
export const MAX_ALLOWED_DOMAINS = 50;
export const MAX_GROUP_ROLES = 50;

/** Create or replace the organization's provider (PUT): every field but the secret is given each time. */
export class PutSsoProviderDto {
  @ApiProperty({
    description: 'Names the sign-in URL `/sign-in/sso/<slug>`: lower-case letters, digits and dashes',
    minLength: 2,
    maxLength: 63,
  })
  @IsString()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: 'slug must be 2-63 lower-case letters, digits or dashes, not starting or ending with a dash',
  })
  @MinLength(2)
  slug!: string;

  @ApiProperty({ description: 'Shown as "Sign in with <displayName>"', maxLength: 60 })
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  displayName!: string;

  @ApiProperty({
    description: 'The OpenID Connect issuer (https; discovery reads `/.well-known/openid-configuration`)',
  })
  @IsString()
  @MaxLength(MAX_ISSUER_URL_LENGTH)
  issuerUrl!: string;

  @ApiProperty({ maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  clientId!: string;

  @ApiPropertyOptional({
    description: 'Required when the provider is first configured; left out, the stored secret is kept. Never returned.',
    maxLength: 512,
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  clientSecret?: string;

  @ApiProperty({
    type: [String],
    description: 'Email domains whose people may sign in (lower-cased); empty: any address the provider verified',
  })
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_DOMAINS)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(/^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/, {
    each: true,
    message: 'allowedDomains must be domain names such as example.edu',
  })
  allowedDomains!: string[];

  @ApiProperty({ enum: SSO_ASSIGNABLE_ROLES, description: 'The role of people who join through the provider' })
  @IsIn(SSO_ASSIGNABLE_ROLES)
  defaultRole!: SsoAssignableRole;

  @ApiProperty({ type: [String], nullable: true, description: 'Fleets of people who join; null: every fleet' })
  @ValidateIf((_, value) => value !== null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  defaultFleetIds!: string[] | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The ID token claim listing the groups (e.g. `groups`); null: no mapping',
  })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(/^[A-Za-z0-9_:./-]{1,100}$/, { message: 'groupClaim must be a claim name' })
  groupClaim!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...SSO_ASSIGNABLE_ROLES] },
    nullable: true,
    description: 'Group → role; with a group claim, someone in none of these groups is refused',
  })
  @ValidateIf((_, value) => value !== null)
  @IsObject()
  groupRoles!: Record<string, SsoAssignableRole> | null;

  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({ description: 'Password sign-in is refused to members, except the break-glass owner' })
  @IsBoolean()
  requireSso!: boolean;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'An owner of this organization who may still sign in with a password when SSO is required',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  breakGlassUserId!: string | null;
}

export class FindSsoProviderDto {
  @ApiProperty({ description: 'An email address (its domain finds the provider) or an organization sign-in slug' })
  @IsString()
  @MinLength(2)
  @MaxLength(254)
  q!: string;
}
