import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { AdminStatsService } from './admin-stats.service';
import { AdminStatsResponse } from './dto/admin-stats.response';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
export class AdminController {
  constructor(private readonly stats: AdminStatsService) {}

  @Get('stats')
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Platform overview (ADMIN)',
    description:
      'Users, orders by status, open disputes and the age of the oldest, and payments and ' +
      'platform fees over the last 30 days.',
  })
  @ApiOkResponse({ type: AdminStatsResponse })
  @ApiErrors(401, 403)
  overview(): Promise<AdminStatsResponse> {
    return this.stats.stats();
  }
}
