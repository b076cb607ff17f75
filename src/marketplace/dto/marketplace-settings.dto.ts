import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { ORDER_PROCESSES, type OrderProcess } from '../../orders/order-process';

const DURATION_FORMAT =
  'An ISO 8601 duration of weeks (`P2W`) or of days and time (`P3D`, `PT48H`, `P1DT12H`), ' +
  'in whole numbers, from `PT1S` to `P365D`. Years and months are refused: their length varies.';

const DurationProperty = (example: string, meaning: string) =>
  ApiProperty({ type: String, example, description: `${meaning} ${DURATION_FORMAT}` });

const IsDurationText = (field: string) => IsString({ message: `${field} must be a string` });

/** The whole settings: every field is required, since PUT replaces them all. */
export class MarketplaceSettingsDto {
  @ApiProperty({
    enum: ORDER_PROCESSES,
    example: 'DIRECT',
    description: 'The process of a listing that does not name one.',
  })
  @IsIn(ORDER_PROCESSES, {
    message: `defaultProcess must be one of ${ORDER_PROCESSES.join(', ')}`,
  })
  defaultProcess!: OrderProcess;

  @DurationProperty(
    'P3D',
    'How long after its last delivery a PROTECTED order completes by itself.',
  )
  @IsDurationText('autoCompleteAfter')
  autoCompleteAfter!: string;

  @DurationProperty('PT48H', 'How long the other party has to answer a cancellation request.')
  @IsDurationText('cancellationWindow')
  cancellationWindow!: string;

  @DurationProperty('P7D', "How long a seller's earning clears after its order completes.")
  @IsDurationText('clearancePeriod')
  clearancePeriod!: string;
}

const DURATION_OUT =
  'ISO 8601, as stored: days and time kept apart (PT48H stays PT48H, P3D stays P3D), weeks ' +
  'given as days (P1W is P7D), and minutes and seconds within the time (PT90M is PT1H30M).';

export class MarketplaceSettingsResponse {
  @ApiProperty({ enum: ORDER_PROCESSES, example: 'DIRECT' }) defaultProcess!: OrderProcess;
  @ApiProperty({ example: 'P3D', description: DURATION_OUT }) autoCompleteAfter!: string;
  @ApiProperty({ example: 'PT48H', description: DURATION_OUT }) cancellationWindow!: string;
  @ApiProperty({ example: 'P7D', description: DURATION_OUT }) clearancePeriod!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) updatedAt!: string;
}
