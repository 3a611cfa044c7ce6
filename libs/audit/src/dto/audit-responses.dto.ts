import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';

export class AuditEntryDto {
  @ApiProperty({ description: 'Increasing; page with `before`' }) id!: string;
  @ApiUuid({ nullable: true }) orgId!: string | null;
  @ApiProperty({ enum: ['user', 'apiKey', 'agent', 'system'] }) actorType!: string;
  @ApiProperty({ type: String, nullable: true }) actorId!: string | null;
  @ApiProperty({ description: 'The actor as people read it (email, key name, printer)' }) actorLabel!: string;
  @ApiProperty({ example: 'printer.pause' }) action!: string;
  @ApiProperty({ example: 'Printer' }) subjectType!: string;
  @ApiProperty({ type: String, nullable: true }) subjectId!: string | null;
  @ApiProperty({ enum: ['success', 'denied', 'failure'] }) result!: 'success' | 'denied' | 'failure';
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Never secrets' })
  details!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, description: 'The client address' }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The request or job it happened in' })
  correlationId!: string | null;
  @ApiDateTime() createdAt!: Date;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto], description: 'Newest first' }) entries!: AuditEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for the next page; null: last page' })
  nextBefore!: string | null;
}
