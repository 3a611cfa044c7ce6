import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsString, MaxLength } from 'class-validator';
import { ApiDateTime } from '@farmhand/core';

const WEBAUTHN_RESPONSE = {
  type: 'object',
  additionalProperties: true,
  description:
    "The authenticator's answer as `@simplewebauthn/browser` returns it (PublicKeyCredential JSON: id, rawId, type, response)",
} as const;

export class RegisterPasskeyDto {
  @ApiProperty({ maxLength: 100, example: 'Work laptop', description: 'A name to tell this passkey apart' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name!: string;

  @ApiProperty({ maxLength: 256, description: 'Your password: a borrowed session cannot add a passkey' })
  @IsString({ message: 'password must be a string' })
  @MaxLength(256)
  password!: string;

  @ApiProperty(WEBAUTHN_RESPONSE)
  @IsObject({ message: 'response must be an object' })
  response!: Record<string, unknown>;
}

export class RemovePasskeyDto {
  @ApiProperty({ maxLength: 256 })
  @IsString({ message: 'password must be a string' })
  @MaxLength(256)
  password!: string;
}

export class PasskeyAssertionDto {
  @ApiProperty(WEBAUTHN_RESPONSE)
  @IsObject({ message: 'response must be an object' })
  response!: Record<string, unknown>;
}

export class PasskeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['singleDevice', 'multiDevice'], description: 'multiDevice: a synced passkey' })
  deviceType!: string;
  @ApiProperty({ description: 'The authenticator says the passkey is backed up (synced)' }) backedUp!: boolean;
  @ApiDateTime() createdAt!: Date;
  @ApiDateTime({ nullable: true }) lastUsedAt!: Date | null;
}
