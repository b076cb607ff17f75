import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { AccessService } from '../common/access/access.service';
import { DISPUTE_PARTIES } from '../disputes/dispute.access';
import { ORDER_PARTIES } from '../orders/order.access';
import type { TokenUser } from '../common/auth/token-claims';
import type { EnvironmentVariables } from '../config/env.validation';
import type { StreamTokenRequestDto, StreamTokenResponse } from './dto/stream-token.dto';
import { LiveErrors } from './live.errors';

const LIFETIME_SECONDS = 60;

/**
 * Short-lived tokens for browsers' EventSource, which cannot send an Authorization header.
 * A stream token is issued only to someone who may read that stream (the stream route's own
 * access rule, asked of AccessService for the ids in the body), names that one stream,
 * and is refused everywhere else (its `typ` is not an access token's).
 */
@Injectable()
export class StreamTokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly access: AccessService,
    private readonly config: ConfigService<EnvironmentVariables, true>,
  ) {}

  async issue(user: TokenUser, dto: StreamTokenRequestDto): Promise<StreamTokenResponse> {
    if (dto.orderId !== undefined && dto.disputeId !== undefined) {
      throw LiveErrors.STREAM_TOKEN_ONE_STREAM(
        'Ask for one stream: send orderId or disputeId, not both.',
      );
    }
    let scope: string;
    let path: string;
    if (dto.orderId !== undefined) {
      await this.access.requireParty(user, ORDER_PARTIES, [dto.orderId], true);
      [scope, path] = [`order:${dto.orderId}`, `/orders/${dto.orderId}/events`];
    } else if (dto.disputeId !== undefined) {
      await this.access.requireParty(user, DISPUTE_PARTIES, [dto.disputeId], true);
      [scope, path] = [`dispute:${dto.disputeId}`, `/disputes/${dto.disputeId}/events`];
    } else {
      [scope, path] = [`user:${user.id}`, '/users/me/events'];
    }
    const token = this.jwt.sign(
      { sub: String(user.id), roles: user.roles, typ: 'stream', sv: user.sessionVersion, scope },
      { expiresIn: LIFETIME_SECONDS },
    );
    const prefix = this.config.get('API_PREFIX', { infer: true });
    return {
      token,
      expiresAt: new Date(Date.now() + LIFETIME_SECONDS * 1000).toISOString(),
      url: `${prefix}${path}?token=${token}`,
    };
  }
}
