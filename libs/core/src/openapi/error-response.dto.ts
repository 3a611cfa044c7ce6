import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What every failure answers, from the one exception filter (`mapError`): a stable code, a message, the field. */
export class ErrorDetailDto {
  @ApiProperty({ description: 'Stable machine-readable code; each operation lists the codes it answers' })
  code!: string;

  @ApiProperty({ description: 'For people; may change wording' })
  message!: string;

  @ApiPropertyOptional({ description: 'The input at fault (a body field, query or path parameter)' })
  field?: string;

  @ApiPropertyOptional({ description: 'Unexpected errors (500, 503): the id to find the request in the logs' })
  correlationId?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Machine-readable context of some codes (e.g. `retryAfterSeconds`, `state`, `commandId`)',
  })
  details?: Record<string, unknown>;
}

export class ErrorResponseDto {
  @ApiProperty({ type: ErrorDetailDto })
  error!: ErrorDetailDto;
}
