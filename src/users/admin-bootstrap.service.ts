import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EnvironmentVariables } from '../config/env.validation';
import { adminUpsertWarning } from './users.repository';
import { UsersService } from './users.service';

/** With ADMIN_EMAIL and ADMIN_PASSWORD set, the service creates or promotes that admin. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly users: UsersService,
    private readonly config: ConfigService<EnvironmentVariables, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.get('ADMIN_EMAIL', { infer: true });
    const password = this.config.get('ADMIN_PASSWORD', { infer: true });
    if (!email || !password) return;
    const admin = await this.users.ensureAdmin(email, password);
    if (!admin) {
      this.logger.log(`Admin ${email} is in place; nothing changed`);
      return;
    }
    const warning = adminUpsertWarning(admin);
    if (warning) this.logger.warn(warning);
    else this.logger.log(`Admin ${admin.email} (id ${admin.id}) created`);
  }
}
