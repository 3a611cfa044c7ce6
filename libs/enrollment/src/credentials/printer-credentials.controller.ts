import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { PrinterCredentialsService } from './printer-credentials.service';

@ApiTags('printer credentials')
@Controller('orgs/:orgId/printers/:printerId/credentials')
export class PrinterCredentialsController {
  constructor(private readonly credentials: PrinterCredentialsService) {}

  /** Ids and dates only; secrets are never returned after creation. */
  @Get()
  @CheckPolicies(['read', 'Printer'])
  async list(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.credentials.list(request.ability!, orgId, printerId);
  }

  @Post('rotate')
  @CheckPolicies(['rotate', 'Printer'])
  rotate(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.credentials.rotate(request.principal!, request.ability!, orgId, printerId);
  }

  @Post('revoke')
  @CheckPolicies(['revoke', 'Printer'])
  @HttpCode(200)
  revoke(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.credentials.revoke(request.principal!, request.ability!, orgId, printerId);
  }
}
