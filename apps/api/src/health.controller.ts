import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@farmhand/authz';
import { HealthService, healthHttpStatus } from '@farmhand/core';
import type { Response } from 'express';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /**
   * Readiness: 200 when PostgreSQL answers (`ok`, or `degraded` while only Redis is away), 503 when PostgreSQL is
   * away (`unavailable`) or the instance is stopping (`shutting_down`). Used by load balancers and probes.
   */
  @Get()
  @Public()
  async check(@Res({ passthrough: true }) response: Response) {
    const report = await this.health.check();
    response.status(healthHttpStatus(report));
    return report;
  }

  /**
   * Liveness: 200 while the process serves HTTP at all. It never looks at PostgreSQL or Redis: restarting every pod
   * because a shared service is away would only add a stampede to the outage.
   */
  @Get('live')
  @Public()
  live() {
    return { status: 'alive' };
  }
}
