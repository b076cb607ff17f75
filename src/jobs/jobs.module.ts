import { Module } from '@nestjs/common';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

/**
 * Durable jobs (JobsService), imported by the features that send, schedule or work them. One
 * instance per application, whichever modules import it.
 */
@Module({ providers: [JobsService, JobsRepository], exports: [JobsService] })
export class JobsModule {}
