import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LiveEventsRepository } from './live-events.repository';
import { Rounds } from './rounds';

/** How often each instance runs a sequencing round. */
const ROUND_MS = 50;
/** Events given positions per round at most; a full round runs again at once. */
const ROUND_SIZE = 1_000;

/**
 * Gives written events their positions (LiveEventsRepository.sequence), every ROUND_MS on every
 * instance; only one round runs at a time across instances, and one instance's round serves
 * all. Writes never wait for it: an event waits at most a round, plus the oldest transaction
 * still in flight when it committed, before its streams see it.
 */
@Injectable()
export class EventSequencer implements OnModuleInit, OnModuleDestroy {
  private readonly rounds: Rounds;

  constructor(events: LiveEventsRepository) {
    this.rounds = new Rounds(
      new Logger('EventSequencer'),
      'Sequencing live events',
      ROUND_MS,
      async () => (await events.sequence(ROUND_SIZE)) === ROUND_SIZE,
    );
  }

  onModuleInit(): void {
    this.rounds.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.rounds.stop();
  }
}
