import { Global, Module } from '@nestjs/common';
import { DisputeAccessService, DisputePartyGuard } from './dispute-party.guard';
import { OrderLookup } from './order-lookup';
import { OrderAccessService, OrderPartyGuard } from './order-party.guard';

/** Party checks shared by orders, messages, reviews, disputes and payments. */
@Global()
@Module({
  providers: [
    OrderLookup,
    OrderAccessService,
    OrderPartyGuard,
    DisputeAccessService,
    DisputePartyGuard,
  ],
  exports: [
    OrderLookup,
    OrderAccessService,
    OrderPartyGuard,
    DisputeAccessService,
    DisputePartyGuard,
  ],
})
export class AccessModule {}
