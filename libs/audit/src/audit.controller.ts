import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { AuditService } from './audit.service';
import { AuditPageDto } from './dto/audit-responses.dto';
import { ListAuditDto } from './dto/list-audit.dto';

@ApiTags('audit')
@Controller('orgs/:orgId/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @CheckPolicies(['read', 'AuditLog'])
  @ApiOkResponse({ type: AuditPageDto })
  @ApiErrors()
  async list(@Param('orgId', ParseUUIDPipe) orgId: string, @Query() query: ListAuditDto) {
    const limit = query.limit ?? 50;
    const entries = await this.audit.list({ ...query, orgId, limit });
    return { entries, nextBefore: entries.length === limit ? entries[entries.length - 1]!.id : null };
  }
}
