import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ApiDateTime } from '@farmhand/core';

export class ConfirmTotpDto {
  @ApiProperty({ example: '123456', pattern: '^\\d{6}$' })
  @IsString({ message: 'code must be a string' })
  @Matches(/^\s*\d{3}\s?\d{3}\s*$/, { message: 'code must be the 6 digits your app shows' })
  code!: string;

  @ApiProperty({ maxLength: 256, description: 'Your password: a borrowed session cannot turn two-factor on' })
  @IsString({ message: 'password must be a string' })
  @MaxLength(256)
  password!: string;
}

export class DisableTwoFactorDto {
  @ApiProperty({ maxLength: 256 })
  @IsString({ message: 'password must be a string' })
  @MaxLength(256)
  password!: string;

  @ApiProperty({ description: 'A current authenticator code or an unused recovery code', minLength: 6, maxLength: 32 })
  @IsString({ message: 'code must be a string' })
  @MinLength(6, { message: 'code must be at least 6 characters' })
  @MaxLength(32)
  code!: string;
}

export class PasswordConfirmationDto {
  @ApiProperty({ maxLength: 256 })
  @IsString({ message: 'password must be a string' })
  @MaxLength(256)
  password!: string;
}

export class OrganizationSecurityDto {
  @ApiProperty({ description: 'Owners and admins must have two-factor sign-in on to use this organization' })
  @IsBoolean({ message: 'requireTwoFactor must be true or false' })
  requireTwoFactor!: boolean;
}

export class TwoFactorStatusDto {
  @ApiProperty() totpEnabled!: boolean;
  @ApiDateTime({ nullable: true }) enabledAt!: Date | null;
  @ApiProperty({ description: 'Unused recovery codes' }) recoveryCodesLeft!: number;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'The base32 secret, for typing into an app that cannot scan' }) secret!: string;
  @ApiProperty({ description: 'otpauth:// URI (what the QR code holds)' }) otpauthUri!: string;
  @ApiProperty({ description: 'The QR code as a data: URL (PNG)' }) qrCodeDataUrl!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Shown once: 10 single-use codes; store them somewhere safe' })
  recoveryCodes!: string[];
}

export class OrganizationSecuritySettingsDto {
  @ApiProperty() requireTwoFactor!: boolean;
}
