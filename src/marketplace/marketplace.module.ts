import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UnitOfWorkModule } from '../database/transaction-host';
import { MarketplaceController } from './marketplace.controller';
import { MarketplaceSettings } from './marketplace-settings.entity';
import { MarketplaceSettingsRepository } from './marketplace-settings.repository';
import { MarketplaceSettingsService } from './marketplace-settings.service';

@Module({
  imports: [UnitOfWorkModule, TypeOrmModule.forFeature([MarketplaceSettings])],
  controllers: [MarketplaceController],
  providers: [MarketplaceSettingsService, MarketplaceSettingsRepository],
  // Listings, orders and their timers read the settings in force through these.
  exports: [MarketplaceSettingsService, MarketplaceSettingsRepository],
})
export class MarketplaceModule {}
