import { Controller, Get, Param, ParseUUIDPipe, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { PrintersService } from '@farmhand/printers';
import { TemperatureHistoryDto } from './dto/temperature-history.dto';
import { TEMPERATURE_WINDOW_MS, TemperatureHistoryStore } from './temperature-history.store';

@ApiTags('printers')
@Controller('orgs/:orgId/printers/:printerId')
export class TemperatureHistoryController {
  constructor(
    private readonly printers: PrintersService,
    private readonly history: TemperatureHistoryStore,
  ) {}

  /** The printer's temperatures over the last 30 minutes, kept by the server, so the chart opens full. */
  @Get('temperatures')
  @CheckPolicies(['read', 'Printer'])
  @ApiOkResponse({ type: TemperatureHistoryDto })
  @ApiErrors({ 404: ['printer_not_found'] })
  async temperatures(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<TemperatureHistoryDto> {
    // A printer of another organization or outside the caller's fleets does not exist for them.
    await this.printers.get(request.ability!, orgId, printerId);
    return { windowMs: TEMPERATURE_WINDOW_MS, samples: await this.history.read(printerId) };
  }
}
