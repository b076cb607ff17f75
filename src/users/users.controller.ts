import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Public, Roles } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { RateLimit } from '../common/rate-limit/rate-limit.guard';
import {
  LOGIN_PER_ACCOUNT,
  LOGIN_PER_IP,
  PASSWORD_CHANGE_PER_ACCOUNT,
  REGISTER_PER_IP,
} from '../common/rate-limit/rules';
import { ChangePasswordDto, LoginDto, RegisterDto } from './dto/register.dto';
import { UpdateActiveDto, UpdateRolesDto } from './dto/update-roles.dto';
import { AuthResponse, PublicProfileResponse, UserResponse } from './dto/user.response';
import { UsersService } from './users.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('register')
  @RateLimit(REGISTER_PER_IP)
  @ApiOperation({ summary: 'Create an account and get a bearer token' })
  @ApiCreatedResponse({ type: AuthResponse })
  @ApiErrors(400, 409)
  register(@Body() dto: RegisterDto): Promise<AuthResponse> {
    return this.users.register(dto);
  }

  @Public()
  @Post('login')
  @RateLimit(LOGIN_PER_IP, LOGIN_PER_ACCOUNT)
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a bearer token' })
  @ApiOkResponse({ type: AuthResponse })
  @ApiErrors(400, 401)
  login(@Body() dto: LoginDto): Promise<AuthResponse> {
    return this.users.login(dto);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The current user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(401)
  me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return this.users.me(user.id);
  }

  @Post('me/password')
  @Idempotent()
  @RateLimit(PASSWORD_CHANGE_PER_ACCOUNT)
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Change the caller's password",
    description:
      'Needs the current password. Every session of the account ends, on every device and ' +
      'instance (within AUTH_CACHE_MS), this one included: the answer carries a new token. ' +
      'A wrong currentPassword is 403 and changes nothing; tries are limited like logins.',
  })
  @ApiOkResponse({ type: AuthResponse })
  @ApiErrors(400, 401, 403)
  changePassword(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChangePasswordDto,
  ): Promise<AuthResponse> {
    return this.users.changePassword(user, dto);
  }

  @Get()
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'All users, newest first (ADMIN)' })
  @ApiPage(UserResponse, 'Users, newest first.')
  @ApiErrors(400, 401, 403)
  list(@Query() query: PageQueryDto) {
    return this.users.list(query);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: "A user's public profile" })
  @ApiOkResponse({ type: PublicProfileResponse })
  @ApiErrors(400, 404)
  profile(@Param('id', ParseIdPipe) id: number): Promise<PublicProfileResponse> {
    return this.users.publicProfile(id);
  }

  @Patch(':id/roles')
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Set a user's roles (ADMIN)",
    description:
      "Takes effect on the user's tokens within AUTH_CACHE_MS (5 s by default). The last admin cannot be demoted (409).",
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  updateRoles(
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateRolesDto,
  ): Promise<UserResponse> {
    return this.users.updateRoles(id, dto.roles);
  }

  @Patch(':id/active')
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Deactivate or reactivate an account (ADMIN)',
    description:
      'A deactivated account cannot log in, and its existing tokens are refused within AUTH_CACHE_MS. Admins cannot deactivate themselves (409).',
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  setActive(
    @CurrentUser() admin: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateActiveDto,
  ): Promise<UserResponse> {
    return this.users.setActive(admin, id, dto.isActive);
  }
}
