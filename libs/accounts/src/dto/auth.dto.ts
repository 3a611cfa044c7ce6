import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** A 6-digit authenticator code or a recovery code (`xxxxx-xxxxx-xxxxx-xxxxx`). */
export class SecondFactorDto {
  @ApiProperty({ example: '123456', minLength: 6, maxLength: 32 })
  @IsString({ message: 'code must be a string' })
  @MinLength(6, { message: 'code must be at least 6 characters' })
  @MaxLength(32)
  code!: string;
}

export class SignUpDto {
  @ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: 254 })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString({ message: 'password must be a string' })
  password!: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @IsString()
  @MinLength(1, { message: 'displayName must not be empty' })
  @MaxLength(100)
  displayName!: string;

  @ApiPropertyOptional({ description: 'Also create an organization you own', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  organizationName?: string;
}

export class SignInDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ maxLength: 256 })
  @IsString({ message: 'password must be a string' })
  @MaxLength(256)
  password!: string;
}

export class UpdateProfileDto {
  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @IsString()
  @MinLength(1, { message: 'displayName must not be empty' })
  @MaxLength(100)
  displayName!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 256 })
  @IsString({ message: 'currentPassword must be a string' })
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString({ message: 'newPassword must be a string' })
  newPassword!: string;
}
