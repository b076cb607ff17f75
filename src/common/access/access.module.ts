import { Module } from '@nestjs/common';
import { OwnerGuard } from './access.guard';
import { AccessRepository } from './access.repository';
import { AccessService } from './access.service';

/** Imported by the modules whose routes declare @RequireOwner (the guard runs in their scope). */
@Module({
  providers: [AccessRepository, AccessService, OwnerGuard],
  exports: [AccessService, OwnerGuard],
})
export class AccessModule {}
