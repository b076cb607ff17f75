import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsId } from '../../common/id-property';

export class StreamTokenRequestDto {
  @ApiPropertyOptional({ example: 12, description: "Open this order's stream." })
  @IsOptional()
  @IsId()
  orderId?: number;

  @ApiPropertyOptional({
    example: 4,
    description: "Open this dispute's stream. With neither id: the caller's own /users/me/events.",
  })
  @IsOptional()
  @IsId()
  disputeId?: number;
}

export class StreamTokenResponse {
  @ApiProperty({ description: 'Opens only the stream it was issued for, for 60 seconds.' })
  token!: string;
  @ApiProperty({ example: '2026-11-23T10:16:00.000Z' }) expiresAt!: string;
  @ApiProperty({
    example: '/orders/12/events?token=eyJ...',
    description: 'The stream URL with the token, for `new EventSource(url)`.',
  })
  url!: string;
}
