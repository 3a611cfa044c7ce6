import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { ApiDateTime } from '@farmhand/core';

export class RequestPasswordResetDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;
}

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token from the reset link', maxLength: 200 })
  @IsString({ message: 'token must be a string' })
  @MaxLength(200)
  token!: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString({ message: 'newPassword must be a string' })
  newPassword!: string;
}

export class VerifyEmailDto {
  @ApiProperty({ description: 'The token from the verification link', maxLength: 200 })
  @IsString({ message: 'token must be a string' })
  @MaxLength(200)
  token!: string;
}

export class CheckEmailDto {
  @ApiProperty({ enum: ['check_email'], description: 'The same answer whether or not the address has an account' })
  status!: 'check_email';
}

export class PasswordResetDoneDto {
  @ApiProperty({ enum: [true] }) reset!: true;
}

export class EmailVerifiedDto {
  @ApiProperty({ enum: [true] }) verified!: true;
}

export class VerificationSentDto {
  @ApiProperty({ description: 'false when the address was already verified' }) sent!: boolean;
}

export class ResetLinkDto {
  @ApiProperty({ description: 'Give it to the member yourself (shown once); it works once' }) url!: string;
  @ApiDateTime() expiresAt!: Date;
}
