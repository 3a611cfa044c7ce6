import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { COPY_STATES, type CopyOutcome, type CopyState } from '../copy-state';
import type { NotReadyReason } from '../readiness.service';

const COPY_STATE = { enum: COPY_STATES, enumName: 'CopyState' } as const;
const OUTCOME = { enum: ['good', 'bad'], enumName: 'CopyOutcome' } as const;
const mm = (description = 'mm') => ApiProperty({ type: Number, nullable: true, description });

/** What a printer must offer for the job; null: any. */
export class JobRequirementsDto {
  @ApiProperty({ type: String, nullable: true }) material!: string | null;
  @mm() nozzleDiameter!: number | null;
  @mm() minBuildX!: number | null;
  @mm() minBuildY!: number | null;
  @mm() minBuildZ!: number | null;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Only printers of these fleets; empty: any fleet' })
  fleetIds!: string[];
  @ApiProperty({ type: [String], description: 'The printer must carry every one of these tags' })
  requiredTags!: string[];
  @ApiDateTime({ nullable: true, description: 'No copy starts before it' }) earliestStartAt!: Date | null;
  @ApiProperty({ enum: ['gcode', 'bgcode', '3mf'], enumName: 'PrintFileFormat', description: "The file's format" })
  fileFormat!: 'gcode' | 'bgcode' | '3mf';
  @ApiProperty({ type: String, nullable: true, description: 'The printer model the file was sliced for; null: any' })
  printerModel!: string | null;
  @ApiProperty({ description: 'Sent to any printer, whatever formats its agent uploads (operator override)' })
  anyPrinterKind!: boolean;
  @ApiUuid({ nullable: true, description: 'Printed on this printer only ("print on the selected printers")' })
  pinnedPrinterId!: string | null;
}

/** Bambu Lab print options of a project 3MF job. */
export class JobBambuDto {
  @ApiProperty({ type: 'integer', nullable: true, description: 'null: the first sliced plate' }) plate!: number | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'integer' },
    nullable: true,
    description: 'AMS slot per filament id - 1; null: no AMS',
  })
  amsMapping!: number[] | null;
}

/** How many of the job's copies are in each state. */
export class CopyCountsDto {
  @ApiProperty() queued!: number;
  @ApiProperty() assigned!: number;
  @ApiProperty() uploading!: number;
  @ApiProperty() printing!: number;
  @ApiProperty() awaiting_bed_clear!: number;
  @ApiProperty() done!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
}

export class JobDto {
  @ApiUuid() id!: string;
  @ApiUuid() fileId!: string;
  @ApiProperty({ description: "The file's name when the job was created" }) name!: string;
  @ApiProperty() copies!: number;
  @ApiProperty({ minimum: -100, maximum: 100 }) priority!: number;
  @ApiProperty({ description: 'Queue order within the same priority' }) position!: number;
  @ApiProperty({ type: JobRequirementsDto }) requirements!: JobRequirementsDto;
  @ApiProperty({ type: JobBambuDto }) bambu!: JobBambuDto;
  @ApiProperty() notes!: string;
  @ApiProperty({ type: [String], description: 'Labels for reports and quotas (a project, a class, a customer)' })
  tags!: string[];
  @ApiProperty() held!: boolean;
  @ApiDateTime({ nullable: true }) cancelledAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who created it, as the audit log names actors' })
  createdBy!: string | null;
  @ApiProperty() createdByLabel!: string;
  @ApiDateTime() createdAt!: Date;
  @ApiDateTime() updatedAt!: Date;
  @ApiProperty({ type: CopyCountsDto }) counts!: CopyCountsDto;
  @ApiProperty({
    enum: ['queued', 'held', 'printing', 'finished', 'cancelled'],
    enumName: 'JobStatus',
    description: 'Derived from the copies: printing while any is on a printer, finished when none is left to print',
  })
  status!: 'queued' | 'held' | 'printing' | 'finished' | 'cancelled';
}

/** One selected printer's outcome: its job queued, or refused with the reason. */
export class PinnedPrintOutcomeDto {
  @ApiUuid() printerId!: string;
  @ApiProperty() printerName!: string;
  @ApiProperty({ enum: ['queued', 'refused'], enumName: 'PinnedPrintStatus' }) status!: 'queued' | 'refused';
  @ApiUuid({ nullable: true, description: 'The job pinned to this printer, when queued' }) jobId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['format_not_supported', 'model_mismatch'],
    enumName: 'PinRefusal',
    description: 'Why this printer cannot print the file',
  })
  code!: 'format_not_supported' | 'model_mismatch' | null;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
}

export class PrintOnPrintersResultDto {
  @ApiProperty({ type: [PinnedPrintOutcomeDto], description: 'One per selected printer, in the order given' })
  results!: PinnedPrintOutcomeDto[];
}

export class JobListDto {
  @ApiProperty({ type: [JobDto] }) jobs!: JobDto[];
  @ApiProperty({ description: 'Jobs matching the filter, all pages together' }) total!: number;
}

export class PrintCopyDto {
  @ApiUuid() id!: string;
  @ApiUuid() orgId!: string;
  @ApiUuid() jobId!: string;
  @ApiProperty({ description: '1..copies within the job' }) number!: number;
  @ApiProperty(COPY_STATE) state!: CopyState;
  @ApiUuid({ nullable: true }) printerId!: string | null;
  @ApiProperty({ description: 'Assignments so far' }) attempt!: number;
  @ApiProperty({ description: 'Its agent went away while it uploaded or printed: its fate is unknown' })
  lost!: boolean;
  @ApiDateTime() queuedAt!: Date;
  @ApiDateTime({ nullable: true }) assignedAt!: Date | null;
  @ApiDateTime({ nullable: true }) startedAt!: Date | null;
  @ApiDateTime({ nullable: true }) finishedAt!: Date | null;
  @ApiDateTime({ nullable: true }) clearedAt!: Date | null;
  @ApiProperty({ ...OUTCOME, nullable: true }) outcome!: CopyOutcome | null;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) failureDetail!: string | null;
  @ApiDateTime() updatedAt!: Date;
}

/** One assignment of a copy to a printer. */
export class PrintAttemptDto {
  @ApiUuid() id!: string;
  @ApiUuid() orgId!: string;
  @ApiUuid() copyId!: string;
  @ApiUuid() jobId!: string;
  @ApiUuid({ nullable: true }) printerId!: string | null;
  @ApiUuid({ nullable: true }) fleetId!: string | null;
  @ApiProperty() attempt!: number;
  @ApiProperty({ ...COPY_STATE, description: "The copy's state when the attempt ended, or now while it runs" })
  state!: CopyState;
  @ApiDateTime() assignedAt!: Date;
  @ApiDateTime({ nullable: true }) startedAt!: Date | null;
  @ApiDateTime({ nullable: true }) endedAt!: Date | null;
  @ApiProperty({ ...OUTCOME, nullable: true }) outcome!: CopyOutcome | null;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ type: Number, nullable: true }) filamentMm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) filamentGrams!: number | null;
  @ApiProperty({ type: Number, nullable: true }) durationSeconds!: number | null;
}

export class JobDetailDto extends JobDto {
  @ApiProperty({ type: [PrintCopyDto] }) copyList!: PrintCopyDto[];
  @ApiProperty({ type: [PrintAttemptDto] }) attempts!: PrintAttemptDto[];
}

export class BedClearedDto {
  @ApiUuid() printerId!: string;
  @ApiUuid({ nullable: true, description: 'The copy that waited for the plate, if any' }) copyId!: string | null;
  @ApiProperty({ ...OUTCOME, nullable: true }) outcome!: CopyOutcome | null;
  @ApiProperty({ description: 'A bad copy went back to the queue' }) requeued!: boolean;
}

export class AttemptHistoryRowDto {
  @ApiUuid() id!: string;
  @ApiUuid() copyId!: string;
  @ApiUuid() jobId!: string;
  @ApiProperty() jobName!: string;
  @ApiProperty() copyNumber!: number;
  @ApiUuid({ nullable: true }) printerId!: string | null;
  @ApiUuid({ nullable: true }) fleetId!: string | null;
  @ApiProperty() attempt!: number;
  @ApiProperty(COPY_STATE) state!: CopyState;
  @ApiDateTime() assignedAt!: Date;
  @ApiDateTime({ nullable: true }) startedAt!: Date | null;
  @ApiDateTime({ nullable: true }) endedAt!: Date | null;
  @ApiProperty({ type: Number, nullable: true }) durationSeconds!: number | null;
  @ApiProperty({ ...OUTCOME, nullable: true }) outcome!: CopyOutcome | null;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ type: Number, nullable: true }) filamentMm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) filamentGrams!: number | null;
}

export class PrinterHistorySummaryDto {
  @ApiProperty() attempts!: number;
  @ApiProperty() printed!: number;
  @ApiProperty() good!: number;
  @ApiProperty() bad!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty() printingSeconds!: number;
  @ApiProperty() filamentGrams!: number;
}

export class PrinterHistoryDto {
  @ApiUuid() printerId!: string;
  @ApiDateTime() from!: Date;
  @ApiDateTime() to!: Date;
  @ApiProperty({ type: PrinterHistorySummaryDto }) summary!: PrinterHistorySummaryDto;
  @ApiProperty({ type: [AttemptHistoryRowDto], description: 'Newest first' }) attempts!: AttemptHistoryRowDto[];
}

export class BedStateDto {
  @ApiProperty() clear!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why it is not clear (e.g. printer_lost)' })
  reason!: string | null;
}

export class ActiveCopyDto {
  @ApiUuid() copyId!: string;
  @ApiUuid() jobId!: string;
  @ApiProperty(COPY_STATE) state!: CopyState;
  @ApiProperty() lost!: boolean;
}

export class PrinterReadinessDto {
  @ApiUuid() printerId!: string;
  @ApiProperty() name!: string;
  @ApiUuid() fleetId!: string;
  @ApiProperty() state!: string;
  @ApiProperty() online!: boolean;
  @ApiProperty() autoEject!: boolean;
  @ApiProperty({ type: BedStateDto }) bed!: BedStateDto;
  @ApiProperty({ type: ActiveCopyDto, nullable: true }) activeCopy!: ActiveCopyDto | null;
  @ApiProperty() ready!: boolean;
  @ApiProperty({ enum: ['offline', 'not_operational', 'busy', 'bed_not_clear'], isArray: true })
  notReadyBecause!: NotReadyReason[];
}

export class ReadinessDto {
  @ApiProperty({ type: [PrinterReadinessDto] }) printers!: PrinterReadinessDto[];
}

export class FleetUtilizationDto {
  @ApiUuid() fleetId!: string;
  @ApiProperty() fleetName!: string;
  @ApiProperty() printers!: number;
  @ApiProperty({ description: 'Printing time inside the range, all printers together' }) printingSeconds!: number;
  @ApiProperty({ description: 'Attempts that ended in the range' }) attempts!: number;
  @ApiProperty() printed!: number;
  @ApiProperty() good!: number;
  @ApiProperty() bad!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty() filamentMm!: number;
  @ApiProperty() filamentGrams!: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of the range its printers spent printing' })
  utilization!: number;
}

export class UtilizationDto {
  @ApiDateTime() from!: Date;
  @ApiDateTime() to!: Date;
  @ApiProperty({ type: [FleetUtilizationDto] }) fleets!: FleetUtilizationDto[];
}
