import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { APP_CONFIG, AcceptsRawBody, ApiErrors, DomainException, type AppConfig } from '@farmhand/core';
import type { Response } from 'express';
import { ENROLLMENT_CSV_LIMITS } from '../csv/enrollment-csv.columns';
import { ImportCommitDto, ImportDryRunDto, ImportProgressDto } from '../dto/enrollment-responses.dto';
import { ENROLLMENT_TOKEN_LIMITS } from '../enrollment.constants';
import { normalizeServerUrl } from '../export/agent-command';
import { readCsvUpload } from './csv-upload';
import { ImportEnrollmentCsvDto } from './dto/import-enrollment-csv.dto';
import { EnrollmentImportsService } from './enrollment-imports.service';
import { renderCommitAnswer } from './import-answer';

@ApiTags('enrollment')
@Controller('orgs/:orgId/enrollment/imports')
export class EnrollmentImportsController {
  private readonly serverUrl: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly imports: EnrollmentImportsService,
  ) {
    this.serverUrl = normalizeServerUrl(config.PUBLIC_URL);
  }

  /** The CSV is the request body (Content-Type: text/csv, at most 5 MB), read only after the guard let it in. */
  @Post()
  @AcceptsRawBody()
  @CheckPolicies(['enroll', 'Printer'], ['create', 'EnrollmentToken'])
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary', description: 'The CSV file, at most 5 MB' } })
  @ApiExtraModels(ImportDryRunDto, ImportCommitDto)
  @ApiOkResponse({
    description:
      'dry-run: the report. commit: every printer with its enrollment token, as a credentials CSV (format=csv, ' +
      'the default), JSON (format=json) or a printable QR sheet (format=html); never cached.',
    headers: {
      'X-Import-Id': { description: 'The import id (progress at GET …/imports/:importId)', schema: { type: 'string' } },
    },
    content: {
      'application/json': {
        schema: { oneOf: [{ $ref: getSchemaPath(ImportDryRunDto) }, { $ref: getSchemaPath(ImportCommitDto) }] },
      },
      'text/csv': { schema: { type: 'string' } },
      'text/html': { schema: { type: 'string' } },
    },
  })
  @ApiErrors({
    400: ['invalid_csv'],
    409: ['import_conflict'],
    413: ['csv_too_large'],
    415: ['unsupported_media_type'],
  })
  @HttpCode(200)
  async import(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query() query: ImportEnrollmentCsvDto,
    @Req() request: AuthorizedRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const csv = await readCsvUpload(request, ENROLLMENT_CSV_LIMITS.maxFileBytes);
    const result = await this.imports.run(request.principal!, request.ability!, orgId, csv, {
      mode: query.mode,
      importId: query.importId,
      tokenLifetimeHours: query.expiresInHours ?? ENROLLMENT_TOKEN_LIMITS.importDefaultLifetimeHours,
    });
    response.setHeader('X-Import-Id', result.importId);
    if (result.mode === 'dry-run') return result;
    const answer = await renderCommitAnswer(result, query.format ?? 'csv', this.serverUrl);
    for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
    response.type(answer.contentType);
    return answer.body;
  }

  @Get(':importId')
  @CheckPolicies(['enroll', 'Printer'])
  @ApiOkResponse({ type: ImportProgressDto, description: 'Kept for an hour' })
  @ApiErrors({ 404: ['import_not_found'] })
  async progress(@Param('orgId', ParseUUIDPipe) orgId: string, @Param('importId', ParseUUIDPipe) importId: string) {
    const progress = await this.imports.progress(orgId, importId);
    if (!progress) throw DomainException.notFound('import_not_found', 'No import with this id in the last hour');
    return progress;
  }
}
