import { Module } from '@nestjs/common';
import { AdminStatsRepository } from './admin-stats.repository';
import { AdminStatsService } from './admin-stats.service';
import { AdminController } from './admin.controller';

@Module({
  controllers: [AdminController],
  providers: [AdminStatsService, AdminStatsRepository],
})
export class AdminModule {}
