import { Module } from '@nestjs/common';
import { LiveEventsModule } from '../live/live-events.module';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

/** Mounted only when METRICS_ENABLED=true (see AppModule). */
@Module({
  imports: [LiveEventsModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsRepository],
})
export class MetricsModule {}
