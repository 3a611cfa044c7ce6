import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { DetectionSettingsDto } from './printer.dto';

/** A printer: identity, capabilities (what the scheduler matches jobs on) and its last persisted state. */
export class PrinterDto {
  @ApiUuid() id!: string;
  @ApiUuid() orgId!: string;
  @ApiUuid() fleetId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ type: String, nullable: true }) serial!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'mm' }) buildX!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'mm' }) buildY!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'mm' }) buildZ!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'mm' }) nozzleDiameter!: number | null;
  @ApiProperty({ type: String, nullable: true }) material!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ description: 'The bed is cleared by a machine: no confirmation between prints' }) autoEject!: boolean;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: "What the printer's agent uploads and prints (gcode, bgcode, 3mf), from its hello; null until it said",
  })
  uploadFormats!: string[] | null;
  @ApiProperty({ type: DetectionSettingsDto, description: 'Only what differs from the defaults' })
  detection!: DetectionSettingsDto;
  @ApiProperty({ description: 'Last persisted state (offline, operational, printing, paused, error, …)' })
  state!: string;
  @ApiDateTime({ nullable: true }) lastSeenAt!: Date | null;
  @ApiDateTime() createdAt!: Date;
  @ApiDateTime() updatedAt!: Date;
}

export class PrinterListDto {
  @ApiProperty({ type: [PrinterDto] }) printers!: PrinterDto[];
  @ApiProperty({ description: 'Printers matching the filters, all pages together' }) total!: number;
}
