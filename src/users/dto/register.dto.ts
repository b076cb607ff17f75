import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';

import { MaxChars, trimString as trim } from '../../common/text';

export class RegisterDto {
  @ApiProperty({ example: 'ana@example.com', maxLength: 254 })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxChars(254)
  email!: string;

  @ApiProperty({
    example: 'ana_draws',
    minLength: 3,
    maxLength: 30,
    description: 'Letters, digits, dot, dash and underscore.',
  })
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{3,30}$/, {
    message: 'username must be 3 to 30 letters, digits, dots, dashes or underscores',
  })
  username!: string;

  @ApiProperty({ example: 'correct horse battery', minLength: 8, maxLength: 128 })
  @IsString()
  @MinLength(8, { message: 'password must be at least 8 characters long' })
  @MaxLength(128, { message: 'password must be at most 128 characters long' })
  password!: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ana@example.com' })
  @Transform(trim)
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MaxLength(128)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ example: 'correct horse battery', description: 'The password in use now.' })
  @IsString()
  @MaxLength(128)
  currentPassword!: string;

  @ApiProperty({ example: 'battery staple horse', minLength: 8, maxLength: 128 })
  @IsString()
  @MinLength(8, { message: 'newPassword must be at least 8 characters long' })
  @MaxLength(128, { message: 'newPassword must be at most 128 characters long' })
  newPassword!: string;
}
