import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';

export class PointDto {
  @ApiProperty() x!: number;
  @ApiProperty() y!: number;
  @ApiProperty() z!: number;
}

export class GcodeExtentDto {
  @ApiProperty({ type: PointDto }) min!: PointDto;
  @ApiProperty({ type: PointDto }) max!: PointDto;
}

export class PlateFilamentDto {
  @ApiProperty({ description: 'Filament id in the project (AMS mapping index + 1)' }) id!: number;
  @ApiProperty({ type: String, nullable: true, example: 'PLA' }) type!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'As the slicer wrote it (#rrggbb or #rrggbbaa)' })
  color!: string | null;
  @ApiProperty({ type: Number, nullable: true }) usedGrams!: number | null;
  @ApiProperty({ type: Number, nullable: true }) usedMeters!: number | null;
}

export class PlateDto {
  @ApiProperty({ description: '1-based, as the slicer numbers plates' }) index!: number;
  @ApiProperty({ description: 'The project carries G-code for it (only sliced plates can be printed)' })
  sliced!: boolean;
  @ApiProperty({ type: Number, nullable: true }) estimatedTimeSeconds!: number | null;
  @ApiProperty({ type: Number, nullable: true }) weightGrams!: number | null;
  @ApiProperty({ type: [PlateFilamentDto] }) filaments!: PlateFilamentDto[];
}

/** What the slicer said about the print, and the extent measured from the moves; null where the file is silent. */
export class GcodeMetadataDto {
  @ApiProperty({ type: String, nullable: true, example: 'PrusaSlicer' }) slicer!: string | null;
  @ApiProperty({ type: String, nullable: true }) slicerVersion!: string | null;
  @ApiProperty({ type: Number, nullable: true }) estimatedTimeSeconds!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'All extruders' }) filamentLengthMm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) filamentWeightGrams!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Of the first filament used' }) material!: string | null;
  @ApiProperty({ type: [String], description: 'In extruder order' }) materials!: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    required: false,
    description: '#rrggbb of the first filament used (absent on files analysed before it was read)',
  })
  colorHex?: string | null;
  @ApiProperty({ type: Number, nullable: true }) nozzleDiameterMm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) layerHeightMm!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The printer it was sliced for' }) printerModel!:
    string | null;
  @ApiProperty({ type: GcodeExtentDto, nullable: true, description: 'mm; null when nothing is extruded' })
  extent!: GcodeExtentDto | null;
  @ApiProperty({
    enum: ['gcode', 'bgcode', '3mf'],
    required: false,
    description: 'bgcode: Prusa binary G-code; 3mf: Bambu/Orca project with plate G-code; absent: plain G-code',
  })
  format?: 'gcode' | 'bgcode' | '3mf';
  @ApiProperty({ type: [PlateDto], required: false, description: "A 3MF's plates" })
  plates?: PlateDto[];
}

export class ThumbnailDto {
  @ApiProperty({ description: 'For GET …/thumbnails/:index' }) index!: number;
  @ApiProperty({ enum: ['png', 'jpg', 'qoi'] }) format!: 'png' | 'jpg' | 'qoi';
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() sizeBytes!: number;
}

export class GcodeFileDto {
  @ApiUuid() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Lower-case hex SHA-256 of the bytes' }) sha256!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty() lineCount!: number;
  @ApiProperty({ type: GcodeMetadataDto }) metadata!: GcodeMetadataDto;
  @ApiProperty({ type: [ThumbnailDto] }) thumbnails!: ThumbnailDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Who uploaded it, as the audit log names actors' })
  uploadedBy!: string | null;
  @ApiProperty() uploadedByLabel!: string;
  @ApiDateTime() createdAt!: Date;
}

export class UploadedFileDto {
  @ApiProperty({ type: GcodeFileDto }) file!: GcodeFileDto;
  @ApiProperty({ description: 'The organization already had these bytes: `file` is the existing one' })
  duplicate!: boolean;
}

export class FileListDto {
  @ApiProperty({ type: [GcodeFileDto] }) files!: GcodeFileDto[];
  @ApiProperty() total!: number;
}
