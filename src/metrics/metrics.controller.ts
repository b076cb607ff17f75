import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { Public } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import type { EnvironmentVariables } from '../config/env.validation';
import { MetricsService } from './metrics.service';
import { AuthErrors } from '../common/auth/auth.errors';

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: ConfigService<EnvironmentVariables, true>,
  ) {}

  /** Public to the user-token guard; protected by METRICS_TOKEN when that is set. */
  @Public()
  @Get()
  @ApiBearerAuth()
  @ApiProduces('text/plain')
  @ApiOperation({
    summary: 'Prometheus metrics (only with METRICS_ENABLED=true)',
    description:
      'Request durations by route and status, database pool use, open event streams and the ' +
      'Node.js process. When METRICS_TOKEN is set, send it as `Authorization: Bearer <token>`.',
  })
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format.' })
  @ApiErrors(401)
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const token = this.config.get('METRICS_TOKEN', { infer: true });
    if (token && !same(authorization ?? '', `Bearer ${token}`)) {
      throw AuthErrors.METRICS_TOKEN_REQUIRED(
        'Send the metrics token as "Authorization: Bearer <token>".',
      );
    }
    const body = await this.metrics.registry.metrics();
    void reply.header('content-type', this.metrics.registry.contentType).send(body);
  }
}
