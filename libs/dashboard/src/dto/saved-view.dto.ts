import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SaveViewDto {
  @ApiProperty({ minLength: 1, maxLength: 60, description: 'Unique among your views in this organization' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  // Printable text only: no control characters (a name is shown in menus and the audit log).
  @Matches(/^[^\p{Cc}]+$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({
    maxLength: 1000,
    description: 'The grid query string: fleet, state, tag, attention, q, sort, view (no other key); may be empty',
    example: 'attention=any&sort=time&view=list',
  })
  @IsString()
  @MaxLength(1000)
  query!: string;
}

export class SavedViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The grid query string, normalized' }) query!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SavedViewListDto {
  @ApiProperty({ type: [SavedViewDto], description: 'Your views in this organization, by name' })
  items!: SavedViewDto[];
}
