import {
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@farmhand/authz';
import { AcceptsRawBody, ApiErrors } from '@farmhand/core';
import { IsString, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { ApiProperty } from '@nestjs/swagger';
import { NotificationLinksService } from './notification-links.service';

export class SignedFrameQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'org must be a UUID' })
  org!: string;

  @ApiProperty({ description: 'Unix seconds after which the link stops working' })
  @IsString()
  @Matches(/^\d{1,12}$/, { message: 'expires must be a number' })
  expires!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(100)
  signature!: string;
}

const TOKEN = () => Param('token');
const HTML = { description: 'A small HTML page', content: { 'text/html': { schema: { type: 'string' } } } };

/**
 * Links that work without a session because they carry their own signature (signed-links.ts): a webcam frame for a
 * chat platform or mail client (expires in an hour), and a person's unsubscribe from a mail channel. GET of the
 * unsubscribe link only shows a button (mail scanners follow links); POST unsubscribes (RFC 8058 one-click too).
 */
@ApiTags('notifications')
@Controller()
export class NotificationLinksController {
  constructor(private readonly links: NotificationLinksService) {}

  @Public()
  @Get('notification-frames/:frameId')
  @ApiOkResponse({
    description: 'The webcam frame',
    content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors({ 404: ['frame_not_found'] })
  async frame(
    @Param('frameId', ParseUUIDPipe) frameId: string,
    @Query() query: SignedFrameQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const frame = await this.links.openFrame(query.org, frameId, query.expires, query.signature);
    response.setHeader('cache-control', 'private, max-age=300');
    response.setHeader('x-content-type-options', 'nosniff');
    return new StreamableFile(frame.stream, { type: 'image/jpeg', length: frame.bytes });
  }

  @Public()
  @Get('notifications/unsubscribe/:token')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  @ApiErrors({ 404: ['unsubscribe_link_invalid'] })
  confirm(@TOKEN() token: string): Promise<string> {
    return this.links.confirmPage(token);
  }

  @Public()
  // Mail providers' one-click unsubscribe (RFC 8058) posts a form body; it is never read: the token is the capability.
  @AcceptsRawBody()
  @Post('notifications/unsubscribe/:token')
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  @ApiErrors({ 404: ['unsubscribe_link_invalid'] })
  unsubscribe(@TOKEN() token: string): Promise<string> {
    return this.links.unsubscribe(token);
  }
}
