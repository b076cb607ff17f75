import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { JwtService } from '@nestjs/jwt';
import { AccountStatus } from '../common/auth/account-status';
import type { AuthUser, Role } from '../common/auth/roles';
import { decodeIdCursor } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { adminIdentity } from './admin-account';
import type { ChangePasswordDto, LoginDto, RegisterDto } from './dto/register.dto';
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
    private readonly accounts: AccountStatus,
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

  /**
   * Changes the caller's password after checking the current one. Every session of the
   * account ends (the users_end_sessions trigger raises its session version), this one
   * included: the answer carries a new token.
   */
  async changePassword(caller: AuthUser, dto: ChangePasswordDto): Promise<AuthResponse> {
    const user = await this.get(caller.id);
    if (!(await this.hasher.verify(user.passwordHash, dto.currentPassword))) {
      throw UserErrors.CURRENT_PASSWORD_WRONG(
        'currentPassword is not the password of this account; the password was not changed.',
      );
    }
    const passwordHash = await this.hasher.hash(dto.newPassword);
    const answer = await this.uow.run(async () => {
      if (!(await this.users.setPasswordHash(caller.id, passwordHash))) {
        throw userNotFound(caller.id);
      }
      return this.authResponse(await this.get(caller.id));
    });
    this.accounts.forget(caller.id);
    return answer;
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
    const updated = await this.uow.run(async () => {
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
    // A change of roles ends the account's sessions (users_end_sessions); this instance
    // stops honouring them at once, the others within AUTH_CACHE_MS.
    this.accounts.forget(id);
    return updated;
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
    const saved = toUserResponse(await this.users.save(user));
    this.accounts.forget(id);
    return saved;
  }

  /**
   * See upsertAdmin: used by ADMIN_EMAIL/ADMIN_PASSWORD at start-up. An account that is already
   * an active admin with that password is left alone, so that a restart does not end its
   * sessions; null then.
   */
  async ensureAdmin(email: string, password: string): Promise<AdminAccount | null> {
    const identity = adminIdentity(email);
    const existing = await this.users.findByEmail(identity.email);
    if (
      existing?.isActive &&
      existing.roles.includes('ADMIN') &&
      (await this.hasher.verify(existing.passwordHash, password))
    ) {
      return null;
    }
    const passwordHash = await this.hasher.hash(password);
    const admin = await this.users.upsertAdmin({ ...identity, passwordHash });
    this.accounts.forget(admin.id);
    return admin;
  }

  private async get(id: number): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw userNotFound(id);
    return user;
  }

  private authResponse(user: User): AuthResponse {
    const token = this.jwt.sign({
      sub: String(user.id),
      roles: user.roles,
      typ: 'access',
      sv: user.sessionVersion,
    });
    const { id, email, username, roles, isActive } = user;
    return { token, id, email, username, roles, isActive };
  }
}
