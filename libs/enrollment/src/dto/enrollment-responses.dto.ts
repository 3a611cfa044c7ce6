import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiDateTime, ApiUuid } from '@farmhand/core';
import { AgentInfoDto } from './agent-info.dto';
import { PrinterTemplateDto } from './printer-template.dto';

/** A printer's agent credential as listed: ids and dates, never the secret. */
export class PrinterCredentialDto {
  @ApiProperty({ description: "The credential's public id (in `fh_agent_<id>_…`)" }) id!: string;
  @ApiUuid() orgId!: string;
  @ApiUuid() printerId!: string;
  @ApiDateTime() createdAt!: Date;
  @ApiDateTime({ nullable: true, description: 'Set when rotated: it works until then' }) expiresAt!: Date | null;
  @ApiDateTime({ nullable: true }) revokedAt!: Date | null;
  @ApiDateTime({ nullable: true }) lastUsedAt!: Date | null;
}

export class RotatedCredentialDto {
  @ApiProperty() credentialId!: string;
  @ApiProperty({ description: 'The new credential (`fh_agent_…`); shown once' }) credential!: string;
  @ApiDateTime({ description: 'The previous credentials keep working until then' }) previousValidUntil!: Date;
}

export class RevokedCredentialsDto {
  @ApiProperty({ description: 'Credentials revoked (their agents are disconnected)' }) revoked!: number;
}

/** RFC 8628's device authorization answer: the agent shows `userCode`, an admin types it in. */
export class PairingStartedDto {
  @ApiProperty({ description: 'The agent polls with it; secret' }) deviceCode!: string;
  @ApiProperty({ example: 'WDJB-MJHT' }) userCode!: string;
  @ApiProperty() verificationUri!: string;
  @ApiPropertyOptional({ description: 'The URL with the code filled in (what the QR code carries)' })
  verificationUriComplete?: string;
  @ApiProperty({ description: 'Seconds the codes stay valid' }) expiresIn!: number;
  @ApiProperty({ description: 'Seconds between polls' }) interval!: number;
}

/** An agent's credential, the one time it is handed out (pairing poll, token redemption). */
export class EnrolledDto {
  @ApiUuid() printerId!: string;
  @ApiProperty({ description: 'The agent credential (`fh_agent_…`)' }) credential!: string;
  @ApiPropertyOptional({ description: 'The server URL the agent should use from now on' }) server?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "From a CSV row's octoprint_url" })
  octoprintUrl?: string | null;
}

export class ClaimedPrinterDto {
  @ApiUuid() pairingId!: string;
  @ApiUuid() printerId!: string;
  @ApiProperty() name!: string;
  @ApiUuid() fleetId!: string;
  @ApiProperty({ type: AgentInfoDto }) agent!: AgentInfoDto;
}

export class DeniedPairingDto {
  @ApiProperty({ enum: [true] }) denied!: true;
  @ApiProperty({ type: AgentInfoDto }) agent!: AgentInfoDto;
}

export class EnrollmentTokenDto {
  @ApiProperty({ description: 'The public id (in `fh_enr_<id>_…`; `tokenId` in paths)' }) id!: string;
  @ApiProperty({ description: 'Enough to recognise the token, nothing to redeem it with' }) redacted!: string;
  @ApiProperty({ enum: ['admin', 'import'] }) source!: 'admin' | 'import';
  @ApiUuid() fleetId!: string;
  @ApiUuid({ nullable: true, description: 'The printer a CSV import bound it to' }) printerId!: string | null;
  @ApiProperty({ type: String, nullable: true }) printerName!: string | null;
  @ApiProperty({ type: PrinterTemplateDto, description: 'Capabilities the printer starts with' })
  template!: PrinterTemplateDto;
  @ApiProperty() usesAllowed!: number;
  @ApiProperty() usesLeft!: number;
  @ApiDateTime() expiresAt!: Date;
  @ApiDateTime({ nullable: true }) revokedAt!: Date | null;
  @ApiDateTime({ nullable: true }) lastUsedAt!: Date | null;
  @ApiDateTime() createdAt!: Date;
  @ApiProperty({ enum: ['usable', 'used', 'expired', 'revoked'] }) status!: 'usable' | 'used' | 'expired' | 'revoked';
}

export class CreatedEnrollmentTokenDto extends EnrollmentTokenDto {
  @ApiProperty({ description: 'The token (`fh_enr_…`); in this answer and nowhere else, ever' }) token!: string;
  @ApiProperty({ description: 'The command that enrolls an agent with it' }) agentCommand!: string;
}

export class EnrollmentTokenListDto {
  @ApiProperty({ type: [EnrollmentTokenDto] }) tokens!: EnrollmentTokenDto[];
  @ApiProperty() total!: number;
}

export class BuildVolumeDto {
  @ApiProperty() x!: number;
  @ApiProperty() y!: number;
  @ApiProperty() z!: number;
}

/** A CSV row a dry run would apply. */
export class PlannedImportRowDto {
  @ApiProperty({ description: 'The row number a spreadsheet shows (the header is row 1)' }) row!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Fleet name as written' }) fleet!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ type: String, nullable: true }) serial!: string | null;
  @ApiProperty({ type: String, nullable: true }) octoprintUrl!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'octoprint, moonraker, prusalink or bambu' })
  kind!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The printer's LAN address for a farm gateway" })
  address!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() nozzleDiameterMm!: number;
  @ApiProperty({ type: BuildVolumeDto, description: 'mm' }) buildVolumeMm!: BuildVolumeDto;
  @ApiProperty({ type: String, nullable: true }) material!: string | null;
  @ApiProperty({ enum: ['create', 'update'] }) action!: 'create' | 'update';
  @ApiUuid({ nullable: true, description: 'The printer an update targets' }) printerId!: string | null;
}

export class ImportFileErrorDto {
  @ApiProperty({ description: 'file_empty, too_many_rows, invalid_utf8, missing_columns, malformed_csv, …' })
  code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() row?: number;
  @ApiPropertyOptional({ description: 'Offset in the uploaded bytes, for encoding errors' }) byteOffset?: number;
}

export class ImportRowErrorDto {
  @ApiProperty() row!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The CSV column; null: the row as a whole' })
  column!: string | null;
  @ApiProperty({ description: 'required, invalid_number, unknown_fleet, name_taken, duplicate_serial, …' })
  code!: string;
  @ApiProperty() message!: string;
}

export class ImportSummaryDto {
  @ApiProperty() rows!: number;
  @ApiProperty() valid!: number;
  @ApiProperty() invalid!: number;
  @ApiProperty() create!: number;
  @ApiProperty() update!: number;
}

/** `mode=dry-run`: every row checked, nothing written. */
export class ImportDryRunDto {
  @ApiUuid() importId!: string;
  @ApiProperty({ enum: ['dry-run'] }) mode!: 'dry-run';
  @ApiProperty({ description: 'A commit of this file would succeed now' }) valid!: boolean;
  @ApiProperty({ type: ImportSummaryDto }) summary!: ImportSummaryDto;
  @ApiProperty({ type: [ImportFileErrorDto] }) fileErrors!: ImportFileErrorDto[];
  @ApiProperty({ type: [ImportRowErrorDto] }) errors!: ImportRowErrorDto[];
  @ApiProperty({ description: 'Row errors left out of `errors`' }) errorsOmitted!: number;
  @ApiProperty({ type: [PlannedImportRowDto] }) rows!: PlannedImportRowDto[];
}

/** One enrolled printer of a commit, with its single-use enrollment token. */
export class CommittedPrinterDto {
  @ApiProperty() row!: number;
  @ApiUuid() printerId!: string;
  @ApiProperty({ enum: ['create', 'update'] }) action!: 'create' | 'update';
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) serial!: string | null;
  @ApiProperty() fleet!: string;
  @ApiProperty({ description: 'The enrollment token (`fh_enr_…`)' }) token!: string;
  @ApiDateTime() expiresAt!: Date;
  @ApiPropertyOptional({ type: String, nullable: true }) octoprintUrl?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: "From a CSV row's kind (octoprint, moonraker, prusalink or bambu; for a farm gateway)",
  })
  kind?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: "From a CSV row's address (for a farm gateway)" })
  address?: string | null;
  @ApiProperty({ description: 'The command that enrolls its agent' }) agentCommand!: string;
}

/** `mode=commit&format=json`. */
export class ImportCommitDto {
  @ApiUuid() importId!: string;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty({ type: [CommittedPrinterDto] }) printers!: CommittedPrinterDto[];
}

export class ImportProgressDto {
  @ApiUuid() importId!: string;
  @ApiProperty({ enum: ['dry-run', 'commit'] }) mode!: 'dry-run' | 'commit';
  @ApiProperty({ enum: ['parsing', 'checking', 'writing', 'rendering', 'done', 'failed'] }) phase!: string;
  @ApiProperty() rowsParsed!: number;
  @ApiProperty() rowsWritten!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Known once the file is parsed' }) rowsTotal!:
    number | null;
  @ApiProperty() bytesTotal!: number;
  @ApiDateTime() startedAt!: string;
  @ApiDateTime() updatedAt!: string;
  @ApiPropertyOptional({ description: 'The error code answered, when the phase is failed' }) error?: string;
}
