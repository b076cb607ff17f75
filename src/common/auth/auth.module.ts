import { Global, Module, type FactoryProvider } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import type { EnvironmentVariables } from '../../config/env.validation';
import { AccountStatus } from './account-status';
import { AccountsRepository } from './accounts.repository';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JWT_SECRET, resolveJwtSecret } from './jwt-secret';

/**
 * The signing key as a KeyObject, shared by signing and every verification: given a string,
 * jsonwebtoken first tries (and fails) to parse it as a public key on every call, which was a
 * third of the CPU of a simple GET. The libraries hand the key to jsonwebtoken unchanged; only
 * their type declarations say string | Buffer.
 */
const jwtSecretProvider: FactoryProvider<Buffer> = {
  provide: JWT_SECRET,
  inject: [ConfigService],
  useFactory: (config: ConfigService<EnvironmentVariables, true>) => {
    const secret = resolveJwtSecret({
      JWT_SECRET: config.get('JWT_SECRET', { infer: true }),
      DATA_DIR: config.get('DATA_DIR', { infer: true }),
    });
    return createSecretKey(Buffer.from(secret, 'utf8')) as unknown as Buffer;
  },
};

/** A bare number is seconds (jsonwebtoken would read a numeric string as milliseconds). */
function tokenLifetime(value: string): number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}` {
  return /^\d+$/.test(value) ? Number(value) : (value as `${number}h`);
}

/** Token signing and verification, and the global guard (authentication and roles). */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [JWT_SECRET, ConfigService],
      useFactory: (secret: Buffer, config: ConfigService<EnvironmentVariables, true>) => ({
        secret,
        signOptions: {
          algorithm: 'HS256',
          expiresIn: tokenLifetime(config.get('JWT_EXPIRES_IN', { infer: true })),
        },
        verifyOptions: { algorithms: ['HS256'] },
      }),
      extraProviders: [jwtSecretProvider],
    }),
  ],
  providers: [
    jwtSecretProvider,
    AccountStatus,
    AccountsRepository,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [JwtModule, AccountStatus],
})
export class AuthModule {}
