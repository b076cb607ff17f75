import { defineErrors } from '../common/errors/domain-error';

export const LiveErrors = defineErrors({
  LAST_EVENT_ID_INVALID: {
    status: 400,
    meaning: 'Last-Event-ID (or ?lastEventId) is not the id of an event.',
  },
  STREAM_TOKEN_ONE_STREAM: {
    status: 400,
    meaning: 'A stream token is for one stream: orderId or disputeId, not both.',
  },
});
