import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors, DomainException } from '@farmhand/core';
import { CreatedEnrollmentTokenDto, EnrollmentTokenListDto } from '../dto/enrollment-responses.dto';
import { CreateEnrollmentTokenDto, ListEnrollmentTokensDto } from './dto/enrollment-token.dto';
import { EnrollmentTokensService } from './enrollment-tokens.service';

const TOKEN_ID = /^[0-9a-hjkmnp-tv-z]{12}$/;

@ApiTags('enrollment')
@Controller('orgs/:orgId/enrollment/tokens')
export class EnrollmentTokensController {
  constructor(private readonly tokens: EnrollmentTokensService) {}

  @Post()
  @CheckPolicies(['create', 'EnrollmentToken'], ['enroll', 'Printer'])
  @Header('Cache-Control', 'no-store')
  @ApiCreatedResponse({ type: CreatedEnrollmentTokenDto })
  @ApiErrors({ 400: ['unknown_fleet'] })
  create(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() body: CreateEnrollmentTokenDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.tokens.create(request.principal!, request.ability!, orgId, body);
  }

  @Get()
  @CheckPolicies(['read', 'EnrollmentToken'])
  @ApiOkResponse({ type: EnrollmentTokenListDto })
  @ApiErrors()
  list(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query() query: ListEnrollmentTokensDto,
    @Req() request: AuthorizedRequest,
  ) {
    return this.tokens.list(request.ability!, orgId, query);
  }

  @Delete(':tokenId')
  @CheckPolicies(['delete', 'EnrollmentToken'])
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors({ 404: ['enrollment_token_not_found'] })
  async revoke(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('tokenId') tokenId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<void> {
    if (!TOKEN_ID.test(tokenId))
      throw DomainException.notFound('enrollment_token_not_found', 'Enrollment token not found');
    await this.tokens.revoke(request.principal!, request.ability!, orgId, tokenId);
  }
}
