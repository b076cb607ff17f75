import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  RawBody,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { RequireParty } from '../common/access/access.guard';
import { ORDER_PARTIES } from '../orders/order.access';
import { CurrentUser, Public, Roles } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import {
  PaymentListQueryDto,
  PaymentResponse,
  PaymentSettingsDto,
  PaymentSettingsResponse,
  RecordPaymentDto,
  WebhookAckResponse,
} from './dto/payment.dto';
import { PaymentsService } from './payments.service';
import { StripeWebhookService } from './stripe-webhook.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('payments')
@Controller('payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly stripe: StripeWebhookService,
  ) {}

  @Get('settings')
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The platform fee in force (ADMIN)' })
  @ApiOkResponse({ type: PaymentSettingsResponse })
  @ApiErrors(401, 403)
  settings(): Promise<PaymentSettingsResponse> {
    return this.payments.settings();
  }

  @Put('settings')
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change the platform fee (ADMIN)',
    description: 'Applies to payments recorded from now on; recorded fees never change.',
  })
  @ApiOkResponse({ type: PaymentSettingsResponse })
  @ApiErrors(400, 401, 403)
  updateSettings(
    @CurrentUser() user: AuthUser,
    @Body() dto: PaymentSettingsDto,
  ): Promise<PaymentSettingsResponse> {
    return this.payments.updateSettings(user, dto.platformFeePercent);
  }

  @Post()
  @Idempotent()
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Record a payment by hand (ADMIN)',
    description:
      'One payment per order (409) and per stripeTxId (409). The fee is computed now from ' +
      'the percentage in force, rounded half-up to the cent, and kept. A payment that does not ' +
      "match its order (an amount or currency other than the order's finalPrice, or a " +
      'CANCELLED order) is still recorded, with `needsReview: true` and a `reviewReason`: the ' +
      'same rule as the Stripe webhook, checked against the order in the same transaction.',
  })
  @ApiCreatedResponse({ type: PaymentResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  record(@Body() dto: RecordPaymentDto): Promise<PaymentResponse> {
    return this.payments.recordByHand(dto);
  }

  @Get()
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Every payment, newest first (ADMIN); `?needsReview=true` is the review queue',
    description:
      '`needsReview=true` lists the payments that need a person to look at them (see ' +
      '`reviewReason`), `needsReview=false` the others, and without it every payment.',
  })
  @ApiPage(PaymentResponse, 'Payments, newest first.')
  @ApiErrors(400, 401, 403)
  list(@Query() query: PaymentListQueryDto) {
    return this.payments.list(query);
  }

  @Get('order/:orderId')
  @ApiBearerAuth()
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: true })
  @ApiParam({ name: 'orderId', example: 12 })
  @ApiOperation({ summary: "An order's payment (its buyer, its seller, or an admin)" })
  @ApiOkResponse({ type: PaymentResponse })
  @ApiErrors(400, 401, 403, 404)
  forOrder(@Param('orderId', ParseIdPipe) orderId: number): Promise<PaymentResponse> {
    return this.payments.forOrder(orderId);
  }

  @Public()
  @Post('webhooks/stripe')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stripe webhook endpoint',
    description:
      'Called by Stripe, signed with the endpoint secret (STRIPE_WEBHOOK_SECRET). Each event ' +
      'id is applied once: a replayed event changes nothing. A missing, wrong or stale ' +
      'signature is 400 and stores nothing.\n\n' +
      '`payment_intent.succeeded` with `metadata.orderId` records the payment (amount_received), ' +
      'with `needsReview` and a `reviewReason` when it does not match the order, like ' +
      '`POST /payments`.\n\n' +
      "`charge.refunded` sets the payment's Stripe refunded total to the charge's " +
      '`amount_refunded` (a total, not an addition; a late, older event lowers nothing). The ' +
      "payment is the one whose stripeTxId is the charge's `payment_intent` (or the charge id), " +
      "else the payment of the charge's `metadata.orderId`, unless that payment came from " +
      'another payment intent. `refundedAmount` is then the larger of that total and the ' +
      'refunds decided by dispute resolution, which are usually the same money refunded in ' +
      "Stripe. A total above the payment's is applied as the whole payment and marks it for " +
      'review; one in another currency changes no amount and marks it for review.\n\n' +
      'Events that cannot be applied (an unknown order or charge, an order already paid) and ' +
      'other event types are acknowledged with 200 (a refusal would make Stripe retry for ' +
      'days), logged, and kept with their outcome.',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 't=...,v1=...' })
  @ApiBody({
    description: 'A Stripe Event object, as Stripe sends it.',
    schema: { type: 'object' },
  })
  @ApiOkResponse({ type: WebhookAckResponse })
  @ApiErrors(400, 503)
  async stripeWebhook(
    @RawBody() payload: Buffer | undefined,
    @Headers('stripe-signature') signature?: string,
  ): Promise<WebhookAckResponse> {
    const event = this.stripe.verify(payload, signature);
    return this.stripe.handle(event);
  }
}
