import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThan, Repository } from 'typeorm';
import type { AuthUser, Role } from '../common/auth/roles';
import { violatedConstraint } from '../common/errors/pg-errors';
import { decodeIdCursor } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import type { LoginDto, RegisterDto } from './dto/register.dto';
import {
  toPublicProfile,
  toUserResponse,
  type AuthResponse,
  type PublicProfileResponse,
  type UserResponse,
} from './dto/user.response';
import { upsertAdmin, type AdminAccount } from './admin-account';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';

const CONFLICTS: Record<string, string> = {
  users_email_key: 'An account with this email already exists; log in instead.',
  users_username_key: 'This username is taken; choose another one.',
};

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
  ) {}

  async register(dto: RegisterDto): Promise<AuthResponse> {
    const passwordHash = await this.hasher.hash(dto.password);
    try {
      const user = await this.users.save(
        this.users.create({
          email: dto.email.toLowerCase(),
          username: dto.username,
          passwordHash,
          roles: ['USER'],
        }),
      );
      return this.authResponse(user);
    } catch (err) {
      const message = CONFLICTS[violatedConstraint(err) ?? ''];
      if (message) throw new ConflictException(message);
      throw err;
    }
  }

  async login(dto: LoginDto): Promise<AuthResponse> {
    const user = await this.users.findOne({ where: { email: dto.email.toLowerCase() } });
    const ok = await this.hasher.verify(user?.passwordHash, dto.password);
    if (!user || !ok || !user.isActive) {
      throw new UnauthorizedException('The email or password is incorrect.');
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
    const rows = await this.users.find({
      where: query.cursor ? { id: LessThan(decodeIdCursor(query.cursor)) } : {},
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return Page.fromRows(rows, query.limit, toUserResponse);
  }

  /**
   * Sets a user's roles. USER is always kept. Removing ADMIN from the last admin is refused,
   * so the platform can never lock itself out; the admin rows are locked for the check so two
   * concurrent demotions cannot both pass it.
   */
  async updateRoles(id: number, roles: Role[]): Promise<UserResponse> {
    const wanted: Role[] = roles.includes('ADMIN') ? ['USER', 'ADMIN'] : ['USER'];
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(User);
      const admins: { id: number }[] = await tx.query(
        `SELECT id FROM users WHERE 'ADMIN' = ANY(roles) ORDER BY id FOR UPDATE`,
      );
      const user = await repo.findOne({ where: { id } });
      if (!user) throw new NotFoundException(`User ${id} does not exist.`);
      const isLastAdmin = admins.length === 1 && admins[0].id === id;
      if (isLastAdmin && !wanted.includes('ADMIN')) {
        throw new ConflictException(
          'This is the only admin; make another user an admin before removing this role.',
        );
      }
      user.roles = wanted;
      return toUserResponse(await repo.save(user));
    });
  }

  /**
   * Activates or deactivates an account (ADMIN). A deactivated account cannot log in and its
   * tokens are refused within AUTH_CACHE_MS. Admins cannot deactivate themselves.
   */
  async setActive(admin: AuthUser, id: number, isActive: boolean): Promise<UserResponse> {
    if (admin.id === id && !isActive) {
      throw new ConflictException('You cannot deactivate your own account.');
    }
    const user = await this.get(id);
    user.isActive = isActive;
    return toUserResponse(await this.users.save(user));
  }

  /** See upsertAdmin: used by ADMIN_EMAIL/ADMIN_PASSWORD at start-up. */
  async ensureAdmin(email: string, password: string): Promise<AdminAccount> {
    return upsertAdmin(this.dataSource, email, await this.hasher.hash(password));
  }

  private async get(id: number): Promise<User> {
    const user = await this.users.findOne({ where: { id } });
    if (!user) throw new NotFoundException(`User ${id} does not exist.`);
    return user;
  }

  private authResponse(user: User): AuthResponse {
    const token = this.jwt.sign({ sub: String(user.id), roles: user.roles, typ: 'access' });
    const { id, email, username, roles, isActive } = user;
    return { token, id, email, username, roles, isActive };
  }
}
