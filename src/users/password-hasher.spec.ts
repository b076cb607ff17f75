import { hashingConcurrency, Semaphore } from './password-hasher';

describe('Semaphore', () => {
  /** A task that runs until released, recording how many run at once. */
  function tasks(semaphore: Semaphore, n: number) {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    const done = Array.from({ length: n }, (_, i) =>
      semaphore.run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        if (i === 1) throw new Error('task 1 fails');
        return i;
      }),
    );
    return { settled: Promise.allSettled(done), started, release, most: () => most };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('runs at most `limit` tasks at once, in the order they came, freeing a slot on failure', async () => {
    const s = new Semaphore(2);
    const { settled, started, release, most } = tasks(s, 5);
    await tick();
    expect(started).toEqual([0, 1]);
    release.shift()!();
    release.shift()!(); // task 1 rejects: its slot must be handed on all the same
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    while (release.length) {
      release.shift()!();
      await tick();
    }
    const results = await settled;
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most()).toBe(2);
  });

  it('starts a task at once when a slot is free again', async () => {
    const s = new Semaphore(1);
    await s.run(() => Promise.resolve());
    const { settled, started, release } = tasks(s, 1);
    await tick();
    expect(started).toEqual([0]);
    release.shift()!();
    expect(await settled).toEqual([{ status: 'fulfilled', value: 0 }]);
  });
});

describe('hashingConcurrency', () => {
  it.each([
    [1, 1],
    [2, 1],
    [4, 2],
    [5, 2],
    [16, 8],
  ])('with %i pool threads hashes %i passwords at once', (threads, hashes) => {
    expect(hashingConcurrency(threads)).toBe(hashes);
  });
});
