import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { EarningsResponse, LedgerEntryResponse } from './dto/earnings.dto';
import { EarningsService } from './earnings.service';

@ApiTags('earnings')
@ApiBearerAuth()
@Controller('users/me/earnings')
export class EarningsController {
  constructor(private readonly earnings: EarningsService) {}

  @Get()
  @ApiOperation({
    summary: "The caller's earnings by state",
    description:
      'What the caller has earned as a seller, in the marketplace currency: each payment on ' +
      "their orders less ECHO's fee, less their part of refunds and chargebacks. Zero for " +
      'someone who has sold nothing.',
  })
  @ApiOkResponse({ type: EarningsResponse })
  @ApiErrors(401)
  totals(@CurrentUser() user: AuthUser): Promise<EarningsResponse> {
    return this.earnings.totals(user);
  }

  @Get('entries')
  @ApiOperation({
    summary: "The caller's earnings ledger, newest first",
    description:
      'Append-only: an entry never changes its amount. A refund, a chargeback or a payout is a ' +
      'new entry; state and availableAt follow the order and the payouts.',
  })
  @ApiPage(LedgerEntryResponse, 'Ledger entries, newest first.')
  @ApiErrors(400, 401)
  entries(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto) {
    return this.earnings.entries(user, query);
  }
}
