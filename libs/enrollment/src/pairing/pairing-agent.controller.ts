import { Body, Controller, Header, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@farmhand/authz';
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
  start(@Body() body: StartPairingDto) {
    return this.pairings.start(body.agent);
  }

  @Post('poll')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  poll(@Body() body: PollPairingDto) {
    return this.pairings.poll(body.deviceCode);
  }
}
