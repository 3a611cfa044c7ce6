import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What Farmhand adds to a slicer's answer: the library's file and the queued job (null unless `print`). */
export class SlicerFarmhandDto {
  @ApiProperty({ format: 'uuid' }) fileId!: string;
  @ApiProperty({ description: 'These bytes were already in the library: the existing file' }) duplicate!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The job queued with one copy' })
  jobId!: string | null;
}

export class OctoPrintVersionDto {
  @ApiProperty({ example: '0.1' }) api!: string;
  @ApiProperty({ example: '1.10.3' }) server!: string;
  @ApiProperty({ example: 'OctoPrint 1.10.3 (Farmhand slicer upload)', description: 'Starts with "OctoPrint"' })
  text!: string;
}

export class OctoPrintFileRefsDto {
  @ApiProperty() resource!: string;
  @ApiProperty() download!: string;
}

export class OctoPrintUploadedFileDto {
  @ApiProperty() name!: string;
  @ApiProperty() display!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ enum: ['local'] }) origin!: 'local';
  @ApiProperty({ type: OctoPrintFileRefsDto }) refs!: OctoPrintFileRefsDto;
}

export class OctoPrintUploadedFilesDto {
  @ApiProperty({ type: OctoPrintUploadedFileDto }) local!: OctoPrintUploadedFileDto;
}

export class OctoPrintUploadDto {
  @ApiProperty() done!: boolean;
  @ApiProperty({ type: OctoPrintUploadedFilesDto }) files!: OctoPrintUploadedFilesDto;
  @ApiProperty({ type: SlicerFarmhandDto }) farmhand!: SlicerFarmhandDto;
}

export class MoonrakerServerInfoResultDto {
  @ApiProperty({ example: 'v0.9.3-farmhand' }) moonraker_version!: string;
  @ApiProperty({ type: [Number], example: [1, 5, 0] }) api_version!: number[];
  @ApiProperty({ example: '1.5.0' }) api_version_string!: string;
  @ApiProperty() klippy_connected!: boolean;
  @ApiProperty({ example: 'ready' }) klippy_state!: string;
  @ApiProperty({ type: [String] }) components!: string[];
  @ApiProperty({ type: [String] }) failed_components!: string[];
  @ApiProperty({ type: [String] }) registered_directories!: string[];
  @ApiProperty({ type: [String] }) warnings!: string[];
}

export class MoonrakerServerInfoDto {
  @ApiProperty({ type: MoonrakerServerInfoResultDto }) result!: MoonrakerServerInfoResultDto;
}

export class MoonrakerItemDto {
  @ApiProperty() path!: string;
  @ApiProperty({ enum: ['gcodes'] }) root!: 'gcodes';
  @ApiProperty({ description: 'Unix time, seconds' }) modified!: number;
  @ApiProperty() size!: number;
  @ApiProperty({ example: 'rw' }) permissions!: string;
}

export class MoonrakerUploadResultDto {
  @ApiProperty({ type: MoonrakerItemDto }) item!: MoonrakerItemDto;
  @ApiProperty({ description: 'Always false: Farmhand queues, it does not start a printer directly' })
  print_started!: boolean;
  @ApiProperty({ description: 'One copy was queued (`print=true`)' }) print_queued!: boolean;
  @ApiProperty({ enum: ['create_file'] }) action!: 'create_file';
  @ApiPropertyOptional({ type: SlicerFarmhandDto }) farmhand?: SlicerFarmhandDto;
}

export class MoonrakerUploadDto {
  @ApiProperty({ type: MoonrakerUploadResultDto }) result!: MoonrakerUploadResultDto;
}
