import { defineErrors } from '../common/errors/domain-error';

export const MarketplaceErrors = defineErrors({
  MARKETPLACE_DURATION_INVALID: {
    status: 400,
    meaning:
      'A duration is not an ISO 8601 duration in weeks, days, hours, minutes or seconds ' +
      '(whole numbers, from PT1S to P365D); years and months are refused.',
  },
});
