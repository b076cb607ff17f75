import { defineErrors } from '../common/errors/domain-error';

export const MessageErrors = defineErrors({
  ORDER_THREAD_CLOSED: {
    status: 409,
    meaning: 'The order is CANCELLED; its thread takes no more messages.',
  },
});
