import { Body, Controller, Header, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { EnrolledDto, PairingStartedDto } from '../dto/enrollment-responses.dto';
import { RetryAfterInterceptor } from '../retry-after.interceptor';
import { PollPairingDto, StartPairingDto } from './dto/pairing.dto';
import { PairingsService } from './pairings.service';

/** The agent's side of pairing: public, because the device code the agent holds is the only secret involved. */
@ApiTags('enrollment')
@Controller('enrollment/pairings')
@UseInterceptors(RetryAfterInterceptor)
export class PairingAgentController {
  constructor(private readonly pairings: PairingsService) {}

  @Post()
  @Public()
  @ApiCreatedResponse({ type: PairingStartedDto })
  @ApiErrors({ 429: ['pairing_capacity', 'too_many_requests'] })
  start(@Body() body: StartPairingDto) {
    return this.pairings.start(body.agent);
  }

  @Post('poll')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: EnrolledDto, description: 'Approved: the credential, exactly once' })
  @ApiErrors({
    400: ['invalid_grant'],
    403: ['access_denied'],
    410: ['expired_token'],
    428: ['authorization_pending'],
    429: ['slow_down', 'too_many_requests'],
  })
  poll(@Body() body: PollPairingDto) {
    return this.pairings.poll(body.deviceCode);
  }
}
