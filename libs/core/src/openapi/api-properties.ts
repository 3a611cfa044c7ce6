import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';

/** A `Date` on the wire: an ISO 8601 string. */
export const ApiDateTime = (options: { nullable?: boolean; description?: string; required?: boolean } = {}) =>
  ApiProperty({ type: String, format: 'date-time', ...options } as ApiPropertyOptions);

/** A UUID on the wire. */
export const ApiUuid = (options: { nullable?: boolean; description?: string; required?: boolean } = {}) =>
  ApiProperty({ type: String, format: 'uuid', ...options } as ApiPropertyOptions);
