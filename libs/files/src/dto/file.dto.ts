import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class UploadFileQueryDto {
  @ApiPropertyOptional({ description: 'File name for a raw (application/octet-stream) upload' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  name?: string;
}

export class ListFilesDto {
  @IsOptional() @IsString() @MaxLength(100) search?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class AgentDownloadQueryDto {
  @IsString() @MaxLength(64) printer!: string;
  @IsString() @MaxLength(20) expires!: string;
  @IsString() @MaxLength(128) signature!: string;
}
