import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QueryLimit, QueryOffset } from '@farmhand/core';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class UploadFileQueryDto {
  @ApiPropertyOptional({ description: 'File name for a raw (application/octet-stream) upload' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  name?: string;
}

export class ListFilesDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'Part of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @QueryLimit(500, 100) limit?: number;
  @QueryOffset() offset?: number;
}

/** The signed download URL's query, as the server wrote it into the agent's dispatch command. */
export class AgentDownloadQueryDto {
  @ApiProperty({ description: 'The printer the URL was signed for' }) @IsString() @MaxLength(64) printer!: string;
  @ApiProperty({ description: 'Expiry, epoch seconds' }) @IsString() @MaxLength(20) expires!: string;
  @ApiProperty({ description: 'HMAC over printer, hash and expiry' })
  @IsString()
  @MaxLength(128)
  signature!: string;
}
