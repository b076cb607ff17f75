import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { dataSourceOptions } from '../ormconfig';
import { UnitOfWorkModule } from './database/transaction-host';
import { ReplicaReadsModule } from './database/replica-reads';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './common/auth/auth.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import type { EnvironmentVariables } from './config/env.validation';
import { logTransport, stdoutDestination } from './config/log-transport';
import { CancellationRequestsModule } from './cancellation-requests/cancellation-requests.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { DisputesModule } from './disputes/disputes.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { ItemsModule } from './items/items.module';
import { LiveModule } from './live/live.module';
import { MarketplaceModule } from './marketplace/marketplace.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics.module';
import { OrdersModule } from './orders/orders.module';
import { PaymentsModule } from './payments/payments.module';
import { EarningsModule } from './earnings/earnings.module';
import { PayoutsModule } from './payouts/payouts.module';
import { ReviewsModule } from './reviews/reviews.module';
import { UsersModule } from './users/users.module';
import { VenueReviewsModule } from './venue-reviews/venue-reviews.module';
import { VenuesModule } from './venues/venues.module';

export interface AppOptions {
  /** The database to use (DATABASE_URL or the embedded one, resolved by the caller). */
  databaseUrl: string;
  /** The environment, validated once at boot. */
  env: EnvironmentVariables;
}

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    const { env } = options;
    return {
      module: AppModule,
      imports: [
        // The environment was validated once, at boot; ConfigService serves that typed result.
        ConfigModule.forRoot({ isGlobal: true, validate: () => env, ignoreEnvFile: true }),
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<EnvironmentVariables, true>) => {
            const transport = logTransport(
              config.get('NODE_ENV', { infer: true }),
              process.stdout.isTTY === true,
            );
            const options: PinoHttpOptions = {
              level: config.get('LOG_LEVEL', { infer: true }),
              transport,
              redact: ['req.headers.authorization', 'req.headers.cookie'],
            };
            // A person's terminal gets pino-pretty; anything else, JSON lines written
            // asynchronously (stdoutDestination). Requests are logged by a Fastify hook
            // (request-log.ts), not by pino-http as Nest middleware: no route mounts it.
            return {
              pinoHttp: transport ? options : [options, stdoutDestination()],
              forRoutes: [],
            };
          },
        }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(
            options.databaseUrl,
            env,
            {},
            env.DATABASE_REPLICA_URLS?.split(',') ?? [],
          ),
          autoLoadEntities: true,
        }),
        UnitOfWorkModule,
        ReplicaReadsModule,
        AuthModule,
        LiveModule,
        HealthModule,
        UsersModule,
        ItemsModule,
        VenuesModule,
        EventsModule,
        OrdersModule,
        MessagesModule,
        DeliveriesModule,
        CancellationRequestsModule,
        ReviewsModule,
        VenueReviewsModule,
        DisputesModule,
        PaymentsModule,
        EarningsModule,
        PayoutsModule,
        MarketplaceModule,
        AdminModule,
        ...(env.METRICS_ENABLED === 'true' ? [MetricsModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
