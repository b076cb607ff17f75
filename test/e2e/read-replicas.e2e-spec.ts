import { migrate } from '../../src/database/migrate';
import { aUser, anItem, type TestUser } from '../support/factories';
import { startReplicaCluster, type ReplicaCluster } from '../support/replica-cluster';
import { startTestApp, type TestApp } from '../support/test-app';

const TOKEN = 'replica-metrics-token-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * DATABASE_REPLICA_URLS against a real streaming replica (pg_basebackup of a primary, both made
 * by the test): public reads are served by the replica, everything else by the primary.
 */
describe('read replicas', () => {
  let cluster: ReplicaCluster;
  let t: TestApp;
  let buyer: TestUser, seller: TestUser;

  beforeAll(async () => {
    cluster = await startReplicaCluster();
    await migrate(cluster.primaryUrl);
    t = await startTestApp(
      {
        DATABASE_REPLICA_URLS: cluster.replicaUrl,
        METRICS_ENABLED: 'true',
        METRICS_TOKEN: TOKEN,
      },
      { databaseUrl: cluster.primaryUrl },
    );
    [buyer, seller] = await Promise.all([aUser(t, 'buyer'), aUser(t, 'seller')]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await cluster?.close();
  });

  const metric = async (name: string): Promise<number> => {
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    const line = res.text.split('\n').find((l) => l.startsWith(`${name} `));
    if (!line) throw new Error(`No ${name} in /metrics`);
    return Number(line.split(' ')[1]);
  };
  const published = (id: number) => t.http.get(`/items/${id}`);
  /** Waits until `check` holds, up to 15 s. */
  async function until(check: () => Promise<boolean>, what: string) {
    const deadline = Date.now() + 15_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Waited 15 s for ${what}`);
      await sleep(100);
    }
  }

  it('serves public reads from the replica, which is a standby (pg_is_in_recovery)', async () => {
    expect(await metric('echo_db_replicas_in_recovery')).toBe(1);
    const item = await anItem(t, seller);
    await until(async () => (await published(item.id)).status === 200, 'the replica to catch up');
    const before = await metric('echo_db_replica_reads');
    await t.http.get('/items').expect(200);
    await published(item.id).expect(200);
    await t.http.get(`/reviews/user/${seller.id}`).expect(200);
    await t.http.get(`/reviews/user/${seller.id}/average`).expect(200);
    expect(await metric('echo_db_replica_reads')).toBe(before + 4);
  });

  it("a replica that lags shows it on public reads, never on a writer's own reads", async () => {
    const item = await anItem(t, seller);
    await until(async () => (await published(item.id)).status === 200, 'the replica to catch up');
    // The replica stops applying what the primary writes.
    await cluster.onReplica('SELECT pg_wal_replay_pause()');
    let newer: { id: number };
    try {
      newer = await anItem(t, seller);
      // The writes land on the primary; the writer's own reads and every write request see them.
      const order = (
        await t.http
          .post('/orders')
          .set(buyer.auth)
          .send({ itemId: newer.id, finalPrice: 12 })
          .expect(201)
      ).body;
      expect(
        (await t.http.get(`/orders/${order.id}`).set(buyer.auth).expect(200)).body,
      ).toMatchObject({
        id: order.id,
        itemId: newer.id,
      });
      await t.http
        .patch(`/items/${newer.id}`)
        .set(seller.auth)
        .send({ title: 'Renamed' })
        .expect(200);
      // The public listing is served by the paused replica, which has not seen it yet.
      await sleep(300);
      await published(newer.id).expect(404);
    } finally {
      await cluster.onReplica('SELECT pg_wal_replay_resume()');
    }
    const caughtUp = async () => (await published(newer.id)).status === 200;
    await until(caughtUp, 'the replica to catch up after the pause');
    expect((await published(newer.id)).body.title).toBe('Renamed');
  });
});
