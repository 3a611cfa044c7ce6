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
