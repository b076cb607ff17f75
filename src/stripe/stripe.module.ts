import { Module } from '@nestjs/common';
import { StripeGateway } from './stripe.gateway';

/** The Stripe API, for the features that move money there. */
@Module({ providers: [StripeGateway], exports: [StripeGateway] })
export class StripeModule {}
