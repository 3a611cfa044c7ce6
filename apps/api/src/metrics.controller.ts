import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@farmhand/authz';
import { MetricsService } from '@farmhand/core';
import type { Response } from 'express';

/**
 * Prometheus metrics. Counts and timings only, no tenant data; keep the path off the public internet (the Helm
 * chart scrapes it inside the cluster).
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'no-store')
  async render(@Res() response: Response): Promise<void> {
    response.type(this.metrics.contentType).send(await this.metrics.render());
  }
}
