import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
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
  deny(@Param('orgId', ParseUUIDPipe) orgId: string, @Body() body: DenyPairingDto, @Req() request: AuthorizedRequest) {
    return this.pairings.deny(request.principal!, orgId, body.userCode);
  }
}
