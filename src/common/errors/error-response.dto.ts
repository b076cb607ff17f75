import { ApiProperty } from '@nestjs/swagger';

/** The one shape every error body has. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({
    example: 'VALIDATION_FAILED',
    description:
      'A stable name of the failure, to switch on; it never changes meaning. The list, with ' +
      'statuses, is in the description of this schema.',
  })
  code!: string;

  @ApiProperty({
    description: 'A sentence a person can act on, or the list of field errors.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['email must be an email'],
  })
  message!: string | string[];

  @ApiProperty({ example: 'b3b2f6a4-8a8e-4a57-9a55-3c1f2d3e4f50' })
  requestId!: string;
}
