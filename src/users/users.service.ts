import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser, Role } from '../common/auth/roles';
import { decodeIdCursor } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { adminIdentity } from './admin-account';
import type { LoginDto, RegisterDto } from './dto/register.dto';
import {
  toPublicProfile,
  toUserResponse,
  type AuthResponse,
  type PublicProfileResponse,
  type UserResponse,
} from './dto/user.response';
import { PasswordHasher } from './password-hasher';
import type { User } from './user.entity';
import { UserErrors, userNotFound } from './user.errors';
import { UsersRepository, type AdminAccount } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly uow: UnitOfWork,
  ) {}

  async register(dto: RegisterDto): Promise<AuthResponse> {
    const passwordHash = await this.hasher.hash(dto.password);
    const created = await this.users.create({
      email: dto.email.toLowerCase(),
      username: dto.username,
      passwordHash,
      roles: ['USER'],
    });
    if (!created.ok) {
      throw created.reason === 'EMAIL_TAKEN'
        ? UserErrors.EMAIL_TAKEN('An account with this email already exists; log in instead.')
        : UserErrors.USERNAME_TAKEN('This username is taken; choose another one.');
    }
    return this.authResponse(created.user);
  }

  /** One answer for an unknown email, a wrong password and a deactivated account. */
  async login(dto: LoginDto): Promise<AuthResponse> {
    const user = await this.users.findByEmail(dto.email.toLowerCase());
    const ok = await this.hasher.verify(user?.passwordHash, dto.password);
    if (!user || !ok || !user.isActive) {
      throw UserErrors.INVALID_CREDENTIALS('The email or password is incorrect.');
    }
    return this.authResponse(user);
  }

  async me(id: number): Promise<UserResponse> {
    return toUserResponse(await this.get(id));
  }

  async publicProfile(id: number): Promise<PublicProfileResponse> {
    return toPublicProfile(await this.get(id));
  }

  async list(query: PageQueryDto): Promise<Page<UserResponse>> {
    const rows = await this.users.page({
      beforeId: query.cursor ? decodeIdCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    return Page.fromRows(rows, query.limit, toUserResponse);
  }

  /**
   * Sets a user's roles. USER is always kept. Removing ADMIN from the last admin is refused,
   * so the platform can never lock itself out; the admin rows are locked for the check so two
   * concurrent demotions cannot both pass it.
   */
  async updateRoles(id: number, roles: Role[]): Promise<UserResponse> {
    return this.uow.run(async () => {
      const wanted: Role[] = roles.includes('ADMIN') ? ['USER', 'ADMIN'] : ['USER'];
      const admins = await this.users.lockAdminIds();
      const user = await this.get(id);
      const isLastAdmin = admins.length === 1 && admins[0] === id;
      if (isLastAdmin && !wanted.includes('ADMIN')) {
        throw UserErrors.LAST_ADMIN(
          'This is the only admin; make another user an admin before removing this role.',
        );
      }
      user.roles = wanted;
      return toUserResponse(await this.users.save(user));
    });
  }

  /**
   * Activates or deactivates an account (ADMIN). A deactivated account cannot log in and its
   * tokens are refused within AUTH_CACHE_MS. Admins cannot deactivate themselves.
   */
  async setActive(admin: AuthUser, id: number, isActive: boolean): Promise<UserResponse> {
    if (admin.id === id && !isActive) {
      throw UserErrors.CANNOT_DEACTIVATE_SELF('You cannot deactivate your own account.');
    }
    const user = await this.get(id);
    user.isActive = isActive;
    return toUserResponse(await this.users.save(user));
  }

  /** See upsertAdmin: used by ADMIN_EMAIL/ADMIN_PASSWORD at start-up. */
  async ensureAdmin(email: string, password: string): Promise<AdminAccount> {
    const passwordHash = await this.hasher.hash(password);
    return this.users.upsertAdmin({ ...adminIdentity(email), passwordHash });
  }

  private async get(id: number): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw userNotFound(id);
    return user;
  }

  private authResponse(user: User): AuthResponse {
    const token = this.jwt.sign({ sub: String(user.id), roles: user.roles, typ: 'access' });
    const { id, email, username, roles, isActive } = user;
    return { token, id, email, username, roles, isActive };
  }
}
