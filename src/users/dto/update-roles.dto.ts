import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn } from 'class-validator';
import { ROLES, type Role } from '../../common/auth/roles';

export class UpdateRolesDto {
  @ApiProperty({
    enum: ROLES,
    isArray: true,
    example: ['USER', 'ADMIN'],
    description: 'The complete set of roles. USER is always kept, even when not listed.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true, message: 'roles may only contain USER and ADMIN' })
  roles!: Role[];
}

export class UpdateActiveDto {
  @ApiProperty({
    example: false,
    description: 'false: the account can no longer log in, and its tokens stop working.',
  })
  @IsBoolean({ message: 'isActive must be true or false' })
  isActive!: boolean;
}
