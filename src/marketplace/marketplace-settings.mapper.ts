import type { MarketplaceSettingsResponse } from './dto/marketplace-settings.dto';
import { formatDuration } from './duration';
import type { SettingsRecord } from './marketplace-settings.repository';

export const toMarketplaceSettingsResponse = (s: SettingsRecord): MarketplaceSettingsResponse => ({
  defaultProcess: s.defaultProcess,
  autoCompleteAfter: formatDuration(s.autoCompleteAfter),
  cancellationWindow: formatDuration(s.cancellationWindow),
  clearancePeriod: formatDuration(s.clearancePeriod),
  updatedAt: s.updatedAt.toISOString(),
});
