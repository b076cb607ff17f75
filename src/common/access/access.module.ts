import { Global, Module } from '@nestjs/common';
import { OrderLookup } from './order-lookup';
import { OrderPartyGuard } from './order-party.guard';

/** Party checks shared by orders, messages, reviews, disputes and payments. */
@Global()
@Module({
  providers: [OrderLookup, OrderPartyGuard],
  exports: [OrderLookup, OrderPartyGuard],
})
export class AccessModule {}
