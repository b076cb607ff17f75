import { Module } from '@nestjs/common';
import { UnitOfWorkModule } from '../database/transaction-host';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';

@Module({
  imports: [IdempotencyModule, UnitOfWorkModule, TypeOrmModule.forFeature([User]), RateLimitModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, PasswordHasher, AdminBootstrapService],
})
export class UsersModule {}
