import { Body, Controller, Header, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import { EnrolledDto } from '../dto/enrollment-responses.dto';
import { RetryAfterInterceptor } from '../retry-after.interceptor';
import { RedeemEnrollmentTokenDto } from './dto/enrollment-token.dto';
import { EnrollmentTokensService } from './enrollment-tokens.service';

/** `farmhand-agent enroll --token`: public, because the token is the secret. */
@ApiTags('enrollment')
@Controller('enrollment')
@UseInterceptors(RetryAfterInterceptor)
export class EnrollmentRedeemController {
  constructor(private readonly tokens: EnrollmentTokensService) {}

  @Post('redeem')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: EnrolledDto })
  @ApiErrors({ 401: ['invalid_token'], 409: ['printer_name_taken'], 429: ['too_many_requests'] })
  redeem(@Body() body: RedeemEnrollmentTokenDto) {
    return this.tokens.redeem(body.token, body.agent);
  }
}
