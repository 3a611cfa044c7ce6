import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { BACKEND_KINDS, PRINTER_STATES } from '@farmhand/protocol';
import type { BackendKind } from '@farmhand/protocol';

export class ActionAnswerDto {
  @ApiUuid({ description: 'The command as the agent logged it' }) commandId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The agent's result data ({} when none)" })
  result!: Record<string, unknown>;
}

/** `temperature` sends one command per heater: the answer of each that was asked for. */
export class TemperatureAnswerDto {
  @ApiPropertyOptional({ type: ActionAnswerDto }) tool?: ActionAnswerDto;
  @ApiPropertyOptional({ type: ActionAnswerDto }) bed?: ActionAnswerDto;
}

export class AgentDescriptionDto {
  @ApiProperty() agentVersion!: string;
  @ApiProperty({ enum: BACKEND_KINDS }) backend!: BackendKind;
  @ApiPropertyOptional({ description: "The printer's address on the agent's LAN, as a label (never a secret)" })
  backendAddress?: string;
  @ApiProperty({ type: String, nullable: true, description: 'null until the backend answered' })
  backendVersion!: string | null;
  @ApiProperty({
    type: [String],
    description: 'What the agent can do for this printer (command types, frames, camera.live, upload.<format>)',
  })
  capabilities!: string[];
  @ApiPropertyOptional() hostname?: string;
}

export class TemperatureReadingDto {
  @ApiProperty({ type: Number, nullable: true, description: '°C' }) actual!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '°C' }) target!: number | null;
}

export class TemperaturesDto {
  @ApiProperty({ type: TemperatureReadingDto, nullable: true }) tool0!: TemperatureReadingDto | null;
  @ApiProperty({ type: TemperatureReadingDto, nullable: true }) bed!: TemperatureReadingDto | null;
}

export class PrintingFileDto {
  @ApiProperty() fileName!: string;
  @ApiPropertyOptional({ description: 'When Farmhand dispatched it' }) sha256?: string;
  @ApiPropertyOptional({ description: 'When Farmhand dispatched it' }) copyId?: string;
}

/** One loaded AMS/MMU slot the printer reports (Bambu): tray index (unit * 4 + tray), material, colour. */
export class FilamentSlotDto {
  @ApiProperty({ minimum: 0, maximum: 254 }) slot!: number;
  @ApiProperty({ type: String, nullable: true }) material!: string | null;
  @ApiProperty({ type: String, nullable: true, pattern: '^#[0-9A-F]{6}$' }) colorHex!: string | null;
}

/** The last status the agent sent (as in the agent protocol). */
export class PrinterStatusDto {
  @ApiProperty({ enum: PRINTER_STATES, enumName: 'PrinterState' }) state!: string;
  @ApiProperty({ type: String, nullable: true, description: "The backend's own wording" }) stateText!: string | null;
  @ApiProperty({ enum: ['ok', 'unreachable', 'unauthorized'], description: "The agent's link to its backend" })
  backend!: string;
  @ApiProperty({ type: TemperaturesDto }) temperatures!: TemperaturesDto;
  @ApiProperty({ type: PrintingFileDto, nullable: true }) job!: PrintingFileDto | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 100 }) progress!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds' }) printTime!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds' }) printTimeLeft!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'mm' }) z!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiPropertyOptional({ type: [FilamentSlotDto], description: 'AMS/MMU slots, where the backend reports them' })
  filamentSlots?: FilamentSlotDto[];
  @ApiProperty({ description: 'Epoch milliseconds' }) sentAt!: number;
}

export class LivePrinterStateDto {
  @ApiUuid() printerId!: string;
  @ApiUuid() orgId!: string;
  @ApiProperty({ description: 'Epoch milliseconds' }) connectedAt!: number;
  @ApiProperty({ description: 'Epoch milliseconds' }) lastSeenAt!: number;
  @ApiProperty({ type: AgentDescriptionDto, nullable: true }) agent!: AgentDescriptionDto | null;
  @ApiProperty({ type: PrinterStatusDto, nullable: true, description: 'null until the first status' })
  status!: PrinterStatusDto | null;
}

export class PrinterLiveDto {
  @ApiUuid() printerId!: string;
  @ApiProperty({ description: 'Its agent is connected' }) online!: boolean;
  @ApiProperty({ description: 'Last persisted state' }) state!: string;
  @ApiDateTime({ nullable: true }) lastSeenAt!: string | null;
  @ApiProperty({ type: LivePrinterStateDto, nullable: true, description: 'null while the agent is away' })
  live!: LivePrinterStateDto | null;
}
