import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { PrinterDefaultsDto, UpdatePrinterDefaultsDto } from '../dto/printer-defaults.dto';
import { PrinterDefaultsService } from './printer-defaults.service';

/** Defaults for new printers: the organization's, and a fleet's where it differs (per field). */
@ApiTags('printers')
@Controller('orgs/:orgId/printer-defaults')
export class PrinterDefaultsController {
  constructor(private readonly defaults: PrinterDefaultsService) {}

  @Get()
  @CheckPolicies(['read', 'Organization'])
  @ApiOkResponse({ type: PrinterDefaultsDto })
  @ApiErrors()
  get(@Param('orgId', ParseUUIDPipe) orgId: string) {
    return this.defaults.get(orgId);
  }

  @Put()
  @CheckPolicies(['update', 'Organization'])
  @ApiOkResponse({ type: PrinterDefaultsDto })
  @ApiErrors({ 400: ['defaults_empty'] })
  update(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() body: UpdatePrinterDefaultsDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.defaults.update(request.principal!, orgId, null, body);
  }

  @Put('fleets/:fleetId')
  @CheckPolicies(['update', 'Organization'])
  @ApiOkResponse({ type: PrinterDefaultsDto })
  @ApiErrors({ 400: ['defaults_empty'], 404: ['fleet_not_found'] })
  updateFleet(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('fleetId', ParseUUIDPipe) fleetId: string,
    @Body() body: UpdatePrinterDefaultsDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.defaults.update(request.principal!, orgId, fleetId, body);
  }
}
