// Bulk CSV import
export {
  parseEnrollmentCsv,
  applyKnownFleets,
  unknownFleetErrors,
  compareRowErrors,
} from './csv/enrollment-csv.parser';
export {
  CSV_COLUMNS,
  CSV_COLUMN_NAMES,
  ENROLLMENT_CSV_LIMITS,
  isEnrollmentCsvColumn,
  normalizeHeaderCell,
} from './csv/enrollment-csv.columns';
export type { EnrollmentCsvColumnDescription } from './csv/enrollment-csv.columns';
export { TEXT_LIMITS, TAG_LIMITS, NUMBER_LIMITS } from './csv/enrollment-csv.validator';
export { generateSampleEnrollmentCsv } from './csv/enrollment-csv.sample';
export type { SampleEnrollmentCsvOptions } from './csv/enrollment-csv.sample';
export type {
  EnrollmentCsvColumn,
  EnrollmentCsvInput,
  EnrollmentCsvProgress,
  EnrollmentCsvResult,
  FileError,
  FileErrorCode,
  ParseEnrollmentCsvOptions,
  ParsedPrinterRow,
  RowError,
  RowErrorCode,
} from './csv/enrollment-csv.types';

// Codes, tokens, credentials
export {
  USER_CODE_ALPHABET,
  USER_CODE_LENGTH,
  USER_CODE_LIFETIME_SECONDS,
  formatUserCode,
  generateUserCode,
  hashUserCode,
  isCanonicalUserCode,
  normalizeUserCode,
} from './codes/user-code';
export { DEVICE_CODE_BYTES, generateDeviceCode, hashDeviceCode, isWellFormedDeviceCode } from './codes/device-code';
export {
  SECRET_TOKEN_PREFIXES,
  hashSecretToken,
  issueAgentCredential,
  issueEnrollmentToken,
  parseSecretToken,
  redactSecretToken,
  verifySecretToken,
} from './codes/secret-token';
export type { IssuedSecretToken, ParsedSecretToken, SecretTokenKind } from './codes/secret-token';
export { MIN_SERVER_SECRET_BYTES, constantTimeEqual, hmacSha256Hex, sha256Hex } from './codes/secret-hash';
export type { ServerSecret } from './codes/secret-hash';
export {
  USER_CODE_GUESS_LIMITS,
  guessingOdds,
  maxAttemptsPerWindow,
  userCodeGuessingOdds,
} from './codes/guessing-odds';
export type { GuessLimit, GuessingOdds, GuessingScenario } from './codes/guessing-odds';

// Exports after a commit
export { CREDENTIALS_CSV_COLUMNS, buildCredentialsCsv } from './export/credentials-csv';
export type { CredentialsCsvOptions, PrinterCredentialExport } from './export/credentials-csv';
export { renderEnrollmentQrSheet, escapeHtml } from './export/qr-sheet';
export type { QrSheetOptions } from './export/qr-sheet';
export { agentEnrollCommand, normalizeServerUrl } from './export/agent-command';
export type { AgentCommandOptions } from './export/agent-command';
export { AGENT_DOWNLOAD_PATHS, agentChecksumLine, agentInstallScript } from './export/install-script';
export type { InstallScriptOptions } from './export/install-script';
export { csvRecord, escapeCsvCell } from './export/csv-cell';

// Nest module: pairing, enrollment tokens, bulk CSV import and agent credentials
export { EnrollmentModule } from './enrollment.module';
export { ENROLLMENT_TOKEN_LIMITS, IMPORT_LIMITS, PAIRING_LIMITS, REDEEM_FAILURE_LIMITS } from './enrollment.constants';
export { planImport } from './imports/import-plan';
export type { ImportPlan, PlannedRow } from './imports/import-plan';
export type { ImportPhase, ImportProgress } from './imports/import-progress.store';
export type { CommitResult, CommittedPrinter, DryRunReport } from './imports/enrollment-imports.service';
export type { EnrollmentTokenView } from './tokens/enrollment-tokens.service';
export {
  PrinterCredentialsService,
  CREDENTIAL_ROTATION_GRACE_SECONDS,
} from './credentials/printer-credentials.service';
export { PrinterCredential } from './entities/printer-credential.entity';
export { EnrollmentPairing } from './entities/enrollment-pairing.entity';
export type { PairingStatus } from './entities/enrollment-pairing.entity';
export { EnrollmentToken } from './entities/enrollment-token.entity';
export type { EnrollmentTokenSource, PrinterTemplate } from './entities/enrollment-token.entity';
export type { EnrollmentEventMap } from './enrollment.events';
