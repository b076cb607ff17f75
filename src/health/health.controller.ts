import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { HealthRepository } from './health.repository';

export class HealthResponse {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthRepository) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiErrors(503)
  live(): HealthResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiErrors(503)
  async ready(): Promise<HealthResponse> {
    if (!(await this.health.isReachable())) {
      throw new ServiceUnavailableException('The database is not reachable.');
    }
    return { status: 'ok' };
  }
}
