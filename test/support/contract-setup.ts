import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contract } from './contract';

/**
 * After each e2e file: no response it received strayed from openapi.json, and the number it
 * checked is left for the global teardown to add up.
 */
afterAll(() => {
  const checked = contract();
  const dir = process.env.ECHO_TEST_CONTRACT_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    const file = join(
      dir,
      `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
    );
    writeFileSync(file, JSON.stringify(Object.fromEntries(checked.validated)));
  }
  const strays = checked.violations.map(
    (v) =>
      `${v.operation} → ${v.status}: ${v.problem} (${v.times}×)` +
      (v.body === undefined ? '' : `; first body: ${JSON.stringify(v.body).slice(0, 300)}`),
  );
  expect(strays).toEqual([]);
});
