import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn } from 'class-validator';
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
