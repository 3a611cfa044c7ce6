import { Controller, Get, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors, LOGGER } from '@farmhand/core';
import { Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DatasetQueryDto } from './dataset.dto';
import { DatasetService } from './dataset.service';

@ApiTags('detection')
@Controller('orgs/:orgId/detection/dataset')
export class DatasetController {
  constructor(
    private readonly dataset: DatasetService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Labelled frames of the organization as an uncompressed tar (`images/<frameId>.jpg`, `labels.csv`,
   * `manifest.json`), to train a better model. Whole-organization admins only: it holds every fleet's pictures.
   */
  @Get()
  @CheckPolicies(['manage', 'Alert'])
  @ApiOkResponse({
    description: 'An uncompressed tar: images/<frameId>.jpg, labels.csv, manifest.json',
    content: { 'application/x-tar': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors({ 400: ['invalid_date', 'invalid_range', 'range_too_long'] })
  async export(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query() query: DatasetQueryDto,
    @Req() request: AuthorizedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const range = this.dataset.range(query.from, query.to);
    await this.dataset.recordExport(request.principal!, orgId, range);
    const day = (date: Date) => date.toISOString().slice(0, 10);
    response.status(200);
    response.setHeader('content-type', 'application/x-tar');
    response.setHeader(
      'content-disposition',
      `attachment; filename="farmhand-dataset-${day(range.from)}-${day(range.to)}.tar"`,
    );
    response.setHeader('cache-control', 'no-store');
    try {
      await this.dataset.write(orgId, range, response);
      response.end();
    } catch (error) {
      // Headers are gone: all that is left is to cut the stream, so the client sees an incomplete archive.
      this.logger.warn({ err: error, orgId }, 'dataset export interrupted');
      response.destroy();
    }
  }
}
