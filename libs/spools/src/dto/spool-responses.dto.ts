import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime } from '@farmhand/core';

export class SpoolDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() material!: string;
  @ApiProperty({ type: String, nullable: true }) colorName!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '#rrggbb' }) colorHex!: string | null;
  @ApiProperty({ type: String, nullable: true }) vendor!: string | null;
  @ApiProperty() diameterMm!: number;
  @ApiProperty() initialGrams!: number;
  @ApiProperty() remainingGrams!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Price of the spool, in cents' }) costCents!: number | null;
  @ApiProperty({ type: String, nullable: true }) location!: string | null;
  @ApiProperty({ type: String, nullable: true }) lot!: string | null;
  @ApiProperty() lowStockGrams!: number;
  @ApiProperty({ description: 'remainingGrams is under lowStockGrams' }) lowStock!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) printerId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) slot!: number | null;
  @ApiDateTime({ nullable: true }) loadedAt!: string | null;
  @ApiDateTime({ nullable: true }) archivedAt!: string | null;
  @ApiDateTime() createdAt!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The spool's id in the organization's Spoolman (weights are Spoolman's); null for a built-in spool",
  })
  spoolmanId!: number | null;
}

export class SpoolListDto {
  @ApiProperty({ type: [SpoolDto] }) items!: SpoolDto[];
}

export class SpoolUsageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) printerId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) copyId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) attempt!: number | null;
  @ApiProperty() grams!: number;
  @ApiProperty() fraction!: number;
  @ApiProperty({ enum: ['done', 'failed', 'cancelled'] }) outcome!: string;
  @ApiDateTime() recordedAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['pending', 'sent', 'failed'],
    description: 'Writing this usage to Spoolman (null for a built-in spool)',
  })
  spoolmanState!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "Spoolman's last refusal or failure" })
  spoolmanError!: string | null;
}

export class SpoolUsageListDto {
  @ApiProperty({ type: [SpoolUsageDto] }) items!: SpoolUsageDto[];
}
