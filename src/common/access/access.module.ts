import { Module } from '@nestjs/common';
import { AccessGuard } from './access.guard';
import { AccessRepository } from './access.repository';
import { AccessService } from './access.service';

/**
 * Imported by the modules whose routes declare @RequireOwner or @RequireParty: the guard runs
 * in their scope.
 */
@Module({
  providers: [AccessRepository, AccessService, AccessGuard],
  exports: [AccessService, AccessGuard],
})
export class AccessModule {}
