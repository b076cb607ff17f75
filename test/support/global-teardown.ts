import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseHandle } from '../../src/database/embedded-database';
import { maintenanceClient } from './databases';

/** Drops what the run created on a shared server; stops the embedded one. */
export default async function globalTeardown(): Promise<void> {
  reportContractChecks();
  const embedded = (globalThis as { __echoEmbedded?: DatabaseHandle }).__echoEmbedded;
  if (embedded) {
    await embedded.stop();
    return;
  }
  const serverUrl = process.env.ECHO_TEST_SERVER_URL;
  const template = process.env.ECHO_TEST_TEMPLATE;
  if (!serverUrl || !template) return;
  const client = maintenanceClient(serverUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template, `${template}\\_f\\_%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

/** Adds up what each e2e file checked against openapi.json (test/support/contract-setup.ts). */
function reportContractChecks(): void {
  const dir = process.env.ECHO_TEST_CONTRACT_DIR;
  if (!dir || !existsSync(dir)) return;
  const byResponse = new Map<string, number>();
  for (const file of readdirSync(dir)) {
    const counts = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, number>;
    for (const [key, n] of Object.entries(counts))
      byResponse.set(key, (byResponse.get(key) ?? 0) + n);
  }
  const total = [...byResponse.values()].reduce((a, b) => a + b, 0);
  const operations = new Set([...byResponse.keys()].map((k) => k.split(' ').slice(0, 2).join(' ')));
  process.stdout.write(
    `\nopenapi.json: ${total} responses checked against the document, ` +
      `${operations.size} operations, ${byResponse.size} operation/status pairs.\n`,
  );
}
