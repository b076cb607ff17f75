import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import { AccountStatus } from '../common/auth/account-status';
import type { AuthUser } from '../common/auth/roles';
import { authUserFrom, type TokenClaims, type TokenUser } from '../common/auth/token-claims';
import { AuthErrors } from '../common/auth/auth.errors';

export const STREAM_KIND = 'echo:streamKind';
export type StreamKind = 'order' | 'dispute' | 'user';

type StreamRequest = FastifyRequest & { user?: AuthUser };

/**
 * Authenticates an event stream: a normal bearer token in the Authorization header, or, for
 * browsers' EventSource which cannot send headers, a short-lived stream token in `?token=`
 * that opens only the stream it was issued for. The party checks run after this guard.
 */
@Injectable()
export class StreamAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly accounts: AccountStatus,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<StreamRequest>();
    const kind = this.reflector.get<StreamKind>(STREAM_KIND, context.getHandler());
    const header = request.headers.authorization;
    const query = request.query as Record<string, unknown>;
    // Either way the account is checked as it is now, as on every other route: deactivated or
    // ended sessions are refused, and roles are those currently granted.
    if (header?.startsWith('Bearer ')) {
      request.user = await this.accounts.authorize(this.verify(header.slice(7), 'access'));
      return true;
    }
    if (typeof query.token === 'string') {
      const claims = this.claims(query.token);
      const user = authUserFrom(claims, 'stream');
      if (!user) throw this.unauthorized();
      const id = kind === 'user' ? user.id : (request.params as Record<string, string>).id;
      if (claims.scope !== `${kind}:${id}`) {
        throw AuthErrors.STREAM_TOKEN_WRONG_STREAM(
          'This stream token was issued for another stream.',
        );
      }
      request.user = await this.accounts.authorize(user);
      return true;
    }
    throw AuthErrors.TOKEN_MISSING(
      'Send "Authorization: Bearer <token>", or ?token= from POST /users/me/stream-tokens.',
    );
  }

  private verify(token: string, typ: 'access'): TokenUser {
    const user = authUserFrom(this.claims(token), typ);
    if (!user) throw this.unauthorized();
    return user;
  }

  private claims(token: string): TokenClaims {
    try {
      return this.jwt.verify<TokenClaims & object>(token, { algorithms: ['HS256'] });
    } catch {
      throw this.unauthorized();
    }
  }

  private unauthorized() {
    return AuthErrors.STREAM_TOKEN_INVALID(
      'The token is invalid or has expired; stream tokens live 60 seconds, so ask for a new one.',
    );
  }
}
