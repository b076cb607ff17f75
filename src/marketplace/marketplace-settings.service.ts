import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/roles';
import { UnitOfWork } from '../database/transaction-host';
import type {
  MarketplaceSettingsDto,
  MarketplaceSettingsResponse,
} from './dto/marketplace-settings.dto';
import { parseDuration, type Duration } from './duration';
import { MarketplaceErrors } from './marketplace.errors';
import { toMarketplaceSettingsResponse } from './marketplace-settings.mapper';
import { MarketplaceSettingsRepository } from './marketplace-settings.repository';

const DURATION_FIELDS = ['autoCompleteAfter', 'cancellationWindow', 'clearancePeriod'] as const;
type DurationField = (typeof DURATION_FIELDS)[number];

@Injectable()
export class MarketplaceSettingsService {
  constructor(
    private readonly settings: MarketplaceSettingsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async current(): Promise<MarketplaceSettingsResponse> {
    return toMarketplaceSettingsResponse(await this.settings.current());
  }

  /**
   * Replaces every setting. Each duration is read before anything is written, and all the
   * refused ones are named in one answer.
   */
  async replace(user: AuthUser, dto: MarketplaceSettingsDto): Promise<MarketplaceSettingsResponse> {
    const durations = {} as Record<DurationField, Duration>;
    const refusals: string[] = [];
    for (const field of DURATION_FIELDS) {
      const parsed = parseDuration(dto[field]);
      if (parsed.ok) durations[field] = parsed.duration;
      else refusals.push(`${field} ${parsed.reason}`);
    }
    if (refusals.length) throw MarketplaceErrors.MARKETPLACE_DURATION_INVALID(refusals.join(' '));
    return this.uow.run(async () => {
      await this.settings.replace({ defaultProcess: dto.defaultProcess, ...durations }, user.id);
      return this.current();
    });
  }
}
