import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { Repository } from 'typeorm';
import type { Duration } from './duration';
import { MarketplaceSettings } from './marketplace-settings.entity';
import type { OrderProcess } from '../orders/order-process';

/** The settings in force, as the features that use them read them. */
export type SettingsRecord = Pick<
  MarketplaceSettings,
  'defaultProcess' | 'autoCompleteAfter' | 'cancellationWindow' | 'clearancePeriod' | 'updatedAt'
>;

/** A whole new set of settings: PUT replaces them all. */
export interface NewSettings {
  defaultProcess: OrderProcess;
  autoCompleteAfter: Duration;
  cancellationWindow: Duration;
  clearancePeriod: Duration;
}

/** Every query of the marketplace settings (one row, id 1, created by the migrations). */
@Injectable()
export class MarketplaceSettingsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get row(): Repository<MarketplaceSettings> {
    return this.db.tx.getRepository(MarketplaceSettings);
  }

  /** The settings in force now (in the caller's transaction, when there is one). */
  current(): Promise<SettingsRecord> {
    return this.row.findOneOrFail({
      where: { id: 1 },
      select: {
        defaultProcess: true,
        autoCompleteAfter: true,
        cancellationWindow: true,
        clearancePeriod: true,
        updatedAt: true,
      },
    });
  }

  /** Replaces every setting; updatedAt is set by the write. */
  async replace(settings: NewSettings, byUserId: number): Promise<void> {
    await this.row.update({ id: 1 }, { ...settings, updatedByUserId: byUserId });
  }
}
