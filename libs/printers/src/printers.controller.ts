import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ListPrintersDto, UpdatePrinterDto } from './dto/printer.dto';
import { PrintersService } from './printers.service';

@ApiTags('printers')
@Controller('orgs/:orgId/printers')
export class PrintersController {
  constructor(private readonly printers: PrintersService) {}

  @Get()
  @CheckPolicies(['read', 'Printer'])
  list(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query() query: ListPrintersDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.printers.list(request.principal!, orgId, query);
  }

  @Get(':printerId')
  @CheckPolicies(['read', 'Printer'])
  get(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.printers.get(request.ability!, orgId, printerId);
  }

  @Patch(':printerId')
  @CheckPolicies(['update', 'Printer'])
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
  async delete(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<void> {
    await this.printers.delete(request.principal!, request.ability!, orgId, printerId);
  }
}
