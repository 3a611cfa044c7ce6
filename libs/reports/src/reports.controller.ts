import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import type { Response } from 'express';
import { ReportDto, ReportSettingsDto } from './dto/report-responses.dto';
import { ExportTableParamsDto, ReportQueryDto, UpdateReportSettingsDto } from './dto/report.dto';
import { ReportExportsService } from './report-exports.service';
import { ReportsService } from './reports.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);

/** Reports: members read the figures of their fleets; whole-organization admins set the prices behind the costs. */
@ApiTags('reports')
@Controller('orgs/:orgId/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly exports: ReportExportsService,
  ) {}

  @Get()
  @CheckPolicies(['read', 'Report'])
  @ApiOkResponse({ type: ReportDto })
  @ApiErrors({ 400: ['report_range_invalid'] })
  report(@OrgId() orgId: string, @Query() query: ReportQueryDto, @Req() request: AuthorizedRequest) {
    return this.reports.report(request.ability!, orgId, query);
  }

  /** Streamed from Postgres as it is read; a client that goes away ends the query. */
  @Get('export/:table')
  @CheckPolicies(['read', 'Report'])
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The table as CSV', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiErrors({ 400: ['report_range_invalid'] })
  async export(
    @Param() params: ExportTableParamsDto,
    @Query() query: ReportQueryDto,
    @Req() request: AuthorizedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const csv = await this.exports.export(request.ability!, params.orgId, params.table, query);
    response.status(200);
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', `attachment; filename="${csv.filename}"`);
    response.setHeader('cache-control', 'no-store');
    try {
      await pipeline(Readable.from(csv.lines), response);
    } catch (error) {
      // The client went away: pipeline has closed the cursor already. Anything else ends the response early.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') response.destroy(error as Error);
    }
  }

  @Get('settings')
  @CheckPolicies(['read', 'Report'])
  @ApiOkResponse({ type: ReportSettingsDto })
  @ApiErrors()
  settings(@OrgId() orgId: string, @Req() request: AuthorizedRequest) {
    return this.reports.settings(request.ability!, orgId);
  }

  @Patch('settings')
  @CheckPolicies(['update', 'Report'])
  @ApiOkResponse({ type: ReportSettingsDto })
  @ApiErrors()
  updateSettings(@OrgId() orgId: string, @Body() body: UpdateReportSettingsDto, @Req() request: AuthorizedRequest) {
    return this.reports.updateSettings(request.principal!, request.ability!, orgId, body);
  }
}
