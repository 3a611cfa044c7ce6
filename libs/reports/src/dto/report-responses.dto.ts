import { ApiProperty } from '@nestjs/swagger';
import { ModelWattsDto } from './report.dto';

export class ReportSettingsDto {
  @ApiProperty() currency!: string;
  @ApiProperty() energyCentsPerKwh!: number;
  @ApiProperty() machineCentsPerHour!: number;
  @ApiProperty() defaultWatts!: number;
  @ApiProperty({ type: [ModelWattsDto] }) modelWatts!: ModelWattsDto[];
}

export class CostDto {
  @ApiProperty({ description: 'Filament at its spool price' }) materialCents!: number;
  @ApiProperty({ description: 'Print hours x model watts x price per kWh' }) energyCents!: number;
  @ApiProperty({ description: 'Print hours x machine rate' }) machineCents!: number;
  @ApiProperty() totalCents!: number;
  @ApiProperty({ description: 'Total over prints (0 without prints)' }) perPrintCents!: number;
}

/** One group of ended prints (the whole filter, a printer, a member, a tag, a material). */
export class FiguresDto {
  @ApiProperty() prints!: number;
  @ApiProperty({ description: 'Finished, and not marked bad at the bed clear' }) done!: number;
  @ApiProperty({ description: 'Finished but marked bad at the bed clear' }) bad!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty({ description: 'done / prints (0 without prints)' }) successRate!: number;
  @ApiProperty() printHours!: number;
  @ApiProperty() filamentGrams!: number;
  @ApiProperty({ type: CostDto }) cost!: CostDto;
}

export class UtilisationDto {
  @ApiProperty() printingHours!: number;
  @ApiProperty() pausedHours!: number;
  @ApiProperty({ description: 'Done, waiting for a person to clear the plate' }) bedClearHours!: number;
  @ApiProperty() offlineHours!: number;
  @ApiProperty({ description: 'The rest of the period' }) idleHours!: number;
  @ApiProperty({ description: 'printing / period (0..1)' }) utilisation!: number;
}

export class PrinterFiguresDto extends FiguresDto {
  @ApiProperty({ format: 'uuid' }) printerId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) fleetId!: string | null;
  @ApiProperty({ type: UtilisationDto }) utilisation!: UtilisationDto;
}

export class MemberFiguresDto extends FiguresDto {
  @ApiProperty({ description: "User id of who queued ('' for API keys and the system)" }) memberId!: string;
}

export class TagFiguresDto extends FiguresDto {
  @ApiProperty() tag!: string;
}

export class MaterialFiguresDto extends FiguresDto {
  @ApiProperty() material!: string;
  @ApiProperty() color!: string;
}

export class FailureReasonDto {
  @ApiProperty() reason!: string;
  @ApiProperty() prints!: number;
}

export class AlertFiguresDto {
  @ApiProperty() alerts!: number;
  @ApiProperty({ description: 'Alerts a person marked as false alarms' }) falseAlarms!: number;
  @ApiProperty() confirmed!: number;
}

export class ReportDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: FiguresDto }) totals!: FiguresDto;
  @ApiProperty({ type: UtilisationDto, description: 'Summed over the printers' }) utilisation!: UtilisationDto;
  @ApiProperty({ type: [PrinterFiguresDto] }) printers!: PrinterFiguresDto[];
  @ApiProperty({ type: [MemberFiguresDto] }) members!: MemberFiguresDto[];
  @ApiProperty({ type: [TagFiguresDto] }) tags!: TagFiguresDto[];
  @ApiProperty({ type: [MaterialFiguresDto] }) materials!: MaterialFiguresDto[];
  @ApiProperty({ type: [FailureReasonDto] }) failureReasons!: FailureReasonDto[];
  @ApiProperty({ type: AlertFiguresDto }) alerts!: AlertFiguresDto;
}
