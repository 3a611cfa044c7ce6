import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Query, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { PrinterDto, PrinterListDto } from './dto/printer-responses.dto';
import { ListPrintersDto, UpdatePrinterDto } from './dto/printer.dto';
import { PrintersService } from './printers.service';

@ApiTags('printers')
@Controller('orgs/:orgId/printers')
export class PrintersController {
  constructor(private readonly printers: PrintersService) {}

  @Get()
  @CheckPolicies(['read', 'Printer'])
  @ApiOkResponse({ type: PrinterListDto, description: 'By name; only printers of fleets the caller may read' })
  @ApiErrors()
  list(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query() query: ListPrintersDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.printers.list(request.ability!, orgId, query);
  }

  @Get(':printerId')
  @CheckPolicies(['read', 'Printer'])
  @ApiOkResponse({ type: PrinterDto })
  @ApiErrors({ 404: ['printer_not_found'] })
  get(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.printers.get(request.ability!, orgId, printerId);
  }

  @Patch(':printerId')
  @CheckPolicies(['update', 'Printer'])
  @ApiOkResponse({ type: PrinterDto })
  @ApiErrors({ 400: ['unknown_fleet'], 404: ['printer_not_found'], 409: ['printer_name_taken'] })
  update(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Body() body: UpdatePrinterDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.printers.update(request.principal!, request.ability!, orgId, printerId, body);
  }

  @Delete(':printerId')
  @CheckPolicies(['delete', 'Printer'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['printer_not_found'] })
  async delete(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<void> {
    await this.printers.delete(request.principal!, request.ability!, orgId, printerId);
  }
}
