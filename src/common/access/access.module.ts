import { Global, Module } from '@nestjs/common';
import { DisputePartyGuard } from './dispute-party.guard';
import { OrderLookup } from './order-lookup';
import { OrderPartyGuard } from './order-party.guard';

/** Party checks shared by orders, messages, reviews, disputes and payments. */
@Global()
@Module({
  providers: [OrderLookup, OrderPartyGuard, DisputePartyGuard],
  exports: [OrderLookup, OrderPartyGuard, DisputePartyGuard],
})
export class AccessModule {}
