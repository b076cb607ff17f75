import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import {
  MarketplaceSettingsDto,
  MarketplaceSettingsResponse,
} from './dto/marketplace-settings.dto';
import { MarketplaceSettingsService } from './marketplace-settings.service';

@ApiTags('marketplace')
@Controller('marketplace')
export class MarketplaceController {
  constructor(private readonly settings: MarketplaceSettingsService) {}

  @Get('settings')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'The marketplace settings in force (any signed-in user)',
    description:
      'The process a listing gets when it names none, and the durations of the PROTECTED ' +
      'process: automatic completion after a delivery, the answer window of a cancellation ' +
      'request, and the clearance of earnings.',
  })
  @ApiOkResponse({ type: MarketplaceSettingsResponse })
  @ApiErrors(401)
  get(): Promise<MarketplaceSettingsResponse> {
    return this.settings.current();
  }

  @Put('settings')
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Replace the marketplace settings (ADMIN)',
    description:
      'Replaces all four settings at once: every field is required, and unknown fields are ' +
      'refused (400 `VALIDATION_FAILED`). A duration that is not an ISO 8601 duration of ' +
      'weeks, days, hours, minutes or seconds in whole numbers, from `PT1S` to `P365D`, is ' +
      '400 `MARKETPLACE_DURATION_INVALID`; years and months are refused because their length ' +
      'varies. A refused request changes nothing.\n\n' +
      'The answer shows the durations as stored: days and time are kept apart (`PT48H` stays ' +
      '`PT48H`, `P3D` stays `P3D`), a week comes back as seven days (`P1W` is `P7D`), and ' +
      'minutes and seconds are counted within the time (`PT90M` is `PT1H30M`).\n\n' +
      'A change applies to timers started after it: running timers keep the duration they ' +
      'started with.',
  })
  @ApiOkResponse({ type: MarketplaceSettingsResponse })
  @ApiErrors(400, 401, 403)
  replace(
    @CurrentUser() user: AuthUser,
    @Body() dto: MarketplaceSettingsDto,
  ): Promise<MarketplaceSettingsResponse> {
    return this.settings.replace(user, dto);
  }
}
