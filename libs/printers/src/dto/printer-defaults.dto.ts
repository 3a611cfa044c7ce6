import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiUuid } from '@farmhand/core';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';

/** Each field: a value, null to unset it at this level, or absent to leave it as it is. */
export class UpdatePrinterDefaultsDto {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Loaded material of a new printer' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(/^[\p{L}\p{N} _.+-]{1,50}$/u, { message: 'material must be 1-50 letters, digits, spaces or _ . + -' })
  material?: string | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, description: 'Pause a print the detector finds failing' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsBoolean()
  autoPause?: boolean | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0.8, maximum: 1.2 })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsNumber()
  @Min(0.8, { message: 'sensitivity must be between 0.8 and 1.2' })
  @Max(1.2, { message: 'sensitivity must be between 0.8 and 1.2' })
  sensitivity?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 2, maximum: 600, description: 'Seconds' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(2)
  @Max(600)
  frameIntervalSeconds?: number | null;

  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description: 'On: a finished print waits for a person to confirm the plate clear; off: the printer ejects it',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsBoolean()
  bedClearGate?: boolean | null;
}

/** Defaults at one level; null: not set here. */
export class PrinterDefaultFieldsDto {
  @ApiProperty({ type: String, nullable: true }) material!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) autoPause!: boolean | null;
  @ApiProperty({ type: Number, nullable: true }) sensitivity!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) frameIntervalSeconds!: number | null;
  @ApiProperty({ type: Boolean, nullable: true }) bedClearGate!: boolean | null;
}

export class FleetPrinterDefaultsDto extends PrinterDefaultFieldsDto {
  @ApiUuid() fleetId!: string;
}

export class PrinterDefaultsDto {
  @ApiProperty({ type: PrinterDefaultFieldsDto, description: 'Every new printer, unless its fleet says otherwise' })
  organization!: PrinterDefaultFieldsDto;
  @ApiProperty({ type: [FleetPrinterDefaultsDto], description: "Fleets' own defaults, field by field" })
  fleets!: FleetPrinterDefaultsDto[];
}
