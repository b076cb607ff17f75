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
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import {
  PaymentResponse,
  PaymentSettingsDto,
  PaymentSettingsResponse,
  RecordPaymentDto,
  WebhookAckResponse,
} from './dto/payment.dto';
import { PaymentsService } from './payments.service';
import { StripeWebhookService } from './stripe-webhook.service';

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
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Record a payment by hand (ADMIN)',
    description:
      'One payment per order (409) and per stripeTxId (409). The fee is computed now from ' +
      'the percentage in force, rounded half-up to the cent, and kept.',
  })
  @ApiCreatedResponse({ type: PaymentResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  record(@Body() dto: RecordPaymentDto): Promise<PaymentResponse> {
    return this.payments.recordByHand(dto);
  }

  @Get()
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every payment, newest first (ADMIN)' })
  @ApiPage(PaymentResponse, 'Payments, newest first.')
  @ApiErrors(400, 401, 403)
  list(@Query() query: PageQueryDto) {
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
      'Called by Stripe, signed with the endpoint secret (STRIPE_WEBHOOK_SECRET). ' +
      '`payment_intent.succeeded` with `metadata.orderId` records the payment; a replayed ' +
      'event id changes nothing; other event types are acknowledged and ignored. A missing, ' +
      'wrong or stale signature is 400 and stores nothing.',
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
