import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MinLength } from 'class-validator';
import { MaxChars, trimString } from '../../common/text';

export class CreateMessageDto {
  @ApiProperty({
    example: 'Hi, the files are ready for review.',
    minLength: 1,
    maxLength: 5000,
    description: 'Trimmed; 1 to 5000 characters remain.',
  })
  @Transform(trimString)
  @IsString()
  @MinLength(1, { message: 'content must not be empty' })
  @MaxChars(5000)
  content!: string;
}

export class MessageResponse {
  @ApiProperty({ example: 41 }) id!: number;
  @ApiProperty({ example: 12 }) orderId!: number;
  @ApiProperty({ example: 3 }) senderId!: number;
  @ApiProperty({ example: 'Hi, the files are ready for review.' }) content!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) sentAt!: string;
}

export class ReadMarkerResponse {
  @ApiProperty({ example: 12 }) orderId!: number;
  @ApiProperty({ example: 41, description: 'The newest message marked read (0: none yet).' })
  lastReadMessageId!: number;
  @ApiProperty({ example: 0 }) unreadCount!: number;
}
