import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { PrinterCredentialDto, RevokedCredentialsDto, RotatedCredentialDto } from '../dto/enrollment-responses.dto';
import { PrinterCredentialsService } from './printer-credentials.service';

@ApiTags('printer credentials')
@Controller('orgs/:orgId/printers/:printerId/credentials')
export class PrinterCredentialsController {
  constructor(private readonly credentials: PrinterCredentialsService) {}

  /** Ids and dates only; secrets are never returned after creation. */
  @Get()
  @CheckPolicies(['read', 'Printer'])
  @ApiOkResponse({ type: [PrinterCredentialDto], description: 'The usable credentials, newest first' })
  @ApiErrors({ 404: ['printer_not_found'] })
  async list(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.credentials.list(request.ability!, orgId, printerId);
  }

  @Post('rotate')
  @CheckPolicies(['rotate', 'Printer'])
  @ApiCreatedResponse({ type: RotatedCredentialDto })
  @ApiErrors({ 404: ['printer_not_found'] })
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
  @ApiOkResponse({ type: RevokedCredentialsDto })
  @ApiErrors({ 404: ['printer_not_found'] })
  revoke(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.credentials.revoke(request.principal!, request.ability!, orgId, printerId);
  }
}
