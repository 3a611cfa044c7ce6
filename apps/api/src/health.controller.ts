import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@farmhand/authz';
import { ApiErrors, HealthService, healthHttpStatus } from '@farmhand/core';
import type { Response } from 'express';

class HealthChecksDto {
  @ApiProperty({ enum: ['up', 'down'] }) database!: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) redis!: 'up' | 'down';
}

class HealthReportDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'unavailable', 'shutting_down'] }) status!: string;
  @ApiProperty({ type: HealthChecksDto }) checks!: HealthChecksDto;
}

class LivenessDto {
  @ApiProperty({ enum: ['alive'] }) status!: 'alive';
}

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
  @ApiOkResponse({ type: HealthReportDto, description: '`ok`, or `degraded` while only Redis is away' })
  @ApiServiceUnavailableResponse({
    type: HealthReportDto,
    description: '`unavailable` (PostgreSQL is away) or `shutting_down`',
  })
  @ApiErrors()
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
  @ApiOkResponse({ type: LivenessDto })
  @ApiErrors()
  live() {
    return { status: 'alive' };
  }
}
