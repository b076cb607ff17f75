import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/bootstrap';
import { normalizePrefix } from '../../src/config/env.validation';
import { checkResponsesAgainstDocument } from './contract';
import { cloneTemplate } from './databases';

export interface TestApp {
  app: NestFastifyApplication;
  /** supertest bound to the app. */
  http: TestAgent;
  /** Direct access to this file's database, for assertions and set-up the API does not offer. */
  sql: Pool;
  url: string;
  close(): Promise<void>;
}

/**
 * The real application (Fastify, global pipe, filter, guards) on a database of its own, or on
 * `options.databaseUrl` (then the database is left in place on close). `env` is applied to
 * process.env while the app boots, since configuration is read at boot.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { databaseUrl?: string } = {},
): Promise<TestApp> {
  const db = options.databaseUrl
    ? { url: options.databaseUrl, drop: () => Promise.resolve() }
    : await cloneTemplate();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let app: NestFastifyApplication;
  try {
    app = await createApp({ databaseUrl: db.url });
    checkResponsesAgainstDocument(
      app.getHttpAdapter().getInstance(),
      normalizePrefix(process.env.API_PREFIX),
    );
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const sql = new Pool({ connectionString: db.url, max: 4 });
  // A pg client whose connection dies emits 'error'; with no listener, Node throws it from
  // pg-protocol's parser, and Jest fails whatever test is running then, in any file. pg-pool
  // listens only to idle clients (and re-emits their errors on the pool), so each client also
  // gets a listener of its own for its whole life, as the app's do (ormconfig's onConnect): a
  // client a test holds (a gate, a race) that the server cuts then fails its next query, in
  // the test that holds it. Dropping the database WITH (FORCE) at close also ends connections
  // that are still closing; those errors are expected.
  sql.on('connect', (client) => client.on('error', () => undefined));
  sql.on('error', () => undefined);
  return {
    app,
    http: request(app.getHttpServer()),
    sql,
    url: db.url,
    close: async () => {
      await app.close();
      await sql.end();
      await db.drop();
    },
  };
}
