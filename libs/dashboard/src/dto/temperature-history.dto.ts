import { ApiProperty } from '@nestjs/swagger';

export class TemperatureSampleDto {
  @ApiProperty({ description: 'Epoch milliseconds' }) at!: number;
  @ApiProperty({ type: Number, nullable: true, description: '°C, whole degrees' }) toolActual!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '°C' }) toolTarget!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '°C, whole degrees' }) bedActual!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '°C' }) bedTarget!: number | null;
}

export class TemperatureHistoryDto {
  @ApiProperty({ description: 'Milliseconds of history kept (the last 30 minutes)' }) windowMs!: number;
  @ApiProperty({
    type: [TemperatureSampleDto],
    description: 'Oldest first, at most one per 10 s unless a target changed',
  })
  samples!: TemperatureSampleDto[];
}
