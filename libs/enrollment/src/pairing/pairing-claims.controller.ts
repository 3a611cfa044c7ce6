import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { ClaimedPrinterDto, DeniedPairingDto } from '../dto/enrollment-responses.dto';
import { RetryAfterInterceptor } from '../retry-after.interceptor';
import { ClaimPairingDto, DenyPairingDto } from './dto/pairing.dto';
import { PairingsService } from './pairings.service';

/**
 * The admin's side of pairing. There is deliberately no list of pending pairings: a pairing is reached only by
 * typing its user code, and wrong codes count toward the lockout.
 */
@ApiTags('enrollment')
@Controller('orgs/:orgId/enrollment/pairings')
@UseInterceptors(RetryAfterInterceptor)
export class PairingClaimsController {
  constructor(private readonly pairings: PairingsService) {}

  @Post('claim')
  @CheckPolicies(['enroll', 'Printer'])
  @ApiCreatedResponse({ type: ClaimedPrinterDto, description: 'The printer is created; its agent gets a credential' })
  @ApiErrors({
    400: ['unknown_fleet'],
    404: ['pairing_not_found'],
    409: ['printer_name_taken', 'printer_serial_taken'],
    429: ['too_many_attempts'],
  })
  claim(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() body: ClaimPairingDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.pairings.claim(request.principal!, request.ability!, orgId, body);
  }

  @Post('deny')
  @CheckPolicies(['enroll', 'Printer'])
  @HttpCode(200)
  @ApiOkResponse({ type: DeniedPairingDto })
  @ApiErrors({ 404: ['pairing_not_found'], 429: ['too_many_attempts'] })
  deny(@Param('orgId', ParseUUIDPipe) orgId: string, @Body() body: DenyPairingDto, @Req() request: AuthorizedRequest) {
    return this.pairings.deny(request.principal!, orgId, body.userCode);
  }
}
