import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../common/auth/roles';
import type { User } from '../user.entity';

/** A user as the user themself and admins see them. */
export class UserResponse {
  @ApiProperty({ example: 7 }) id!: number;
  @ApiProperty({ example: 'ana@example.com' }) email!: string;
  @ApiProperty({ example: 'ana_draws' }) username!: string;
  @ApiProperty({ enum: ROLES, isArray: true, example: ['USER'] }) roles!: Role[];
  @ApiProperty({ example: true }) isActive!: boolean;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
}

/** What anyone may see of a user. */
export class PublicProfileResponse {
  @ApiProperty({ example: 7 }) id!: number;
  @ApiProperty({ example: 'ana_draws' }) username!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
}

/** Register and login: the user plus a bearer token. */
export class AuthResponse {
  @ApiProperty({ description: 'Bearer token (HS256 JWT) for the Authorization header.' })
  token!: string;
  @ApiProperty({ example: 7 }) id!: number;
  @ApiProperty({ example: 'ana@example.com' }) email!: string;
  @ApiProperty({ example: 'ana_draws' }) username!: string;
  @ApiProperty({ enum: ROLES, isArray: true, example: ['USER'] }) roles!: Role[];
  @ApiProperty({ example: true }) isActive!: boolean;
}

export const toUserResponse = (u: User): UserResponse => ({
  id: u.id,
  email: u.email,
  username: u.username,
  roles: u.roles,
  isActive: u.isActive,
  createdAt: u.createdAt.toISOString(),
});

export const toPublicProfile = (u: User): PublicProfileResponse => ({
  id: u.id,
  username: u.username,
  createdAt: u.createdAt.toISOString(),
});
