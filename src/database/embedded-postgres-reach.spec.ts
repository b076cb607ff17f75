import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertEmbeddedPostgresReachable,
  EmbeddedPostgresUnreachable,
  embeddedProgramFolders,
  firstClosedFolder,
  foldersOnTheWay,
  postgresAccount,
  reachProblems,
  unreachableMessage,
} from './embedded-postgres-reach';

/** Switching to another account needs root; as anyone else there is nothing to check. */
const asRoot = process.getuid?.() === 0;

describe('foldersOnTheWay', () => {
  it('lists every folder from the root down to the target', () => {
    expect(foldersOnTheWay('/root/echo/.data')).toEqual([
      '/',
      '/root',
      '/root/echo',
      '/root/echo/.data',
    ]);
    expect(foldersOnTheWay('/')).toEqual(['/']);
    expect(foldersOnTheWay('/srv//echo/')).toEqual(['/', '/srv', '/srv/echo']);
  });
});

describe('unreachableMessage', () => {
  const account = { name: 'postgres', exists: true };

  it('names the folder and the ways out when only the data is out of reach', () => {
    const message = unreachableMessage(
      [{ target: 'data', folder: '/root' }],
      account,
      '/root/echo/.data',
    );
    expect(message).toBe(
      'The embedded PostgreSQL cannot run here: PostgreSQL refuses to run as root, so it runs ' +
        'as the unprivileged user "postgres", who cannot enter /root, which holds its data ' +
        'folder (DATA_DIR=/root/echo/.data); run ECHO as a normal user, set DATA_DIR to a ' +
        'folder that user can reach (such as /var/lib/echo), or set DATABASE_URL to use a ' +
        'PostgreSQL server of your own.',
    );
  });

  it('asks for another install folder when the programs are out of reach, as DATA_DIR cannot help', () => {
    const message = unreachableMessage(
      [{ target: 'programs', folder: '/root' }],
      { name: 'postgres', exists: false },
      '/var/lib/echo',
    );
    expect(message).toContain('an unprivileged user "postgres" that it creates');
    expect(message).toContain("cannot enter /root, which holds PostgreSQL's programs");
    expect(message).toContain('install ECHO in a folder that user can reach');
    expect(message).not.toContain('set DATA_DIR');
    expect(message).toMatch(/or set DATABASE_URL to use a PostgreSQL server of your own\.$/);
  });

  it('names one folder once when it holds both, and the variables of the tests when asked', () => {
    const message = unreachableMessage(
      [
        { target: 'programs', folder: '/root' },
        { target: 'data', folder: '/root' },
      ],
      account,
      '/root/tmp/echo-test-1',
      { dataDir: 'TMPDIR', server: 'TEST_DATABASE_URL' },
    );
    expect(message).toContain(
      "who cannot enter /root, which holds PostgreSQL's programs (in node_modules) and its " +
        'data folder (/root/tmp/echo-test-1);',
    );
    expect(message).toContain(
      'install ECHO in a folder that user can reach and set TMPDIR to one (such as /tmp), ' +
        'or set TEST_DATABASE_URL',
    );
    // One sentence: a single full stop, at the end, and no line breaks.
    expect(message.match(/\.(\s|$)/g)).toHaveLength(1);
    expect(message).not.toContain('\n');
  });

  it('names each folder when the programs and the data are blocked in different places', () => {
    const message = unreachableMessage(
      [
        { target: 'programs', folder: '/root' },
        { target: 'data', folder: '/home/ana' },
      ],
      account,
      '/home/ana/echo-data',
    );
    expect(message).toContain(
      "cannot enter /root, which holds PostgreSQL's programs (in node_modules), nor /home/ana, " +
        'which holds its data folder (DATA_DIR=/home/ana/echo-data);',
    );
  });
});

describe('the reach of the embedded PostgreSQL account, checked by the kernel', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'echo-reach-'));
    chmodSync(base, 0o755);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  /** A folder of the given mode under `base`, with a `data` folder (0755) inside. */
  const folder = (name: string, mode: number) => {
    const path = join(base, name);
    mkdirSync(join(path, 'data'), { recursive: true });
    chmodSync(path, mode);
    return path;
  };

  if (!asRoot) {
    it('has nothing to check when ECHO is not root', () => {
      expect(postgresAccount()).toBeNull();
      const closed = folder('not-root-private', 0o700);
      expect(() => assertEmbeddedPostgresReachable(join(closed, 'data'))).not.toThrow();
    });
    return;
  }

  it('finds the account embedded-postgres runs as, or a stand-in with only the rights of others', () => {
    const account = postgresAccount();
    expect(account).not.toBeNull();
    expect(account!.name).toBe('postgres');
    expect(account!.uid).toBeGreaterThan(0);
    expect(account!.gid).toBeGreaterThan(0);
  });

  it('sees that the account cannot traverse a 0700 folder of root, and names that folder', () => {
    const account = postgresAccount()!;
    const closed = folder('private', 0o700);
    const open = folder('public', 0o755);
    expect(firstClosedFolder([join(closed, 'data')], account)).toBe(closed);
    expect(firstClosedFolder([join(open, 'data')], account)).toBeNull();
    // The outermost closed folder is the one to name.
    const nested = folder('private/deeper', 0o700);
    expect(firstClosedFolder([join(nested, 'data')], account)).toBe(closed);
    // The same holds for an account that does not exist yet (nobody:nogroup stands in).
    expect(firstClosedFolder([join(closed, 'data')], { uid: 65534, gid: 65534 })).toBe(closed);
  });

  it('lets the account through a folder it may only traverse (0711), as PostgreSQL needs', () => {
    const account = postgresAccount()!;
    const traversable = folder('traverse-only', 0o711);
    expect(firstClosedFolder([join(traversable, 'data')], account)).toBeNull();
  });

  it('counts the rights of the account’s own group, and no other group', () => {
    const account = postgresAccount()!;
    const groupOnly = folder('group-only', 0o750);
    chownSync(groupOnly, 0, account.gid);
    expect(firstClosedFolder([join(groupOnly, 'data')], account)).toBeNull();
    chownSync(groupOnly, 0, 0);
    expect(firstClosedFolder([join(groupOnly, 'data')], account)).toBe(groupOnly);
  });

  it('tells programs out of reach apart from data out of reach', () => {
    const account = postgresAccount()!;
    const install = folder('install', 0o700);
    const programs = ['bin', 'lib', 'share'].map((f) => join(install, 'native', f));
    for (const p of programs) mkdirSync(p, { recursive: true });
    const reachableData = join(folder('var', 0o755), 'data');
    expect(reachProblems(reachableData, account, programs)).toEqual([
      { target: 'programs', folder: install },
    ]);
    expect(reachProblems(join(install, 'data'), account, programs)).toEqual([
      { target: 'programs', folder: install },
      { target: 'data', folder: install },
    ]);
    chmodSync(install, 0o711);
    expect(reachProblems(join(install, 'data'), account, programs)).toEqual([]);
  });

  it('refuses a DATA_DIR out of reach with one sentence and no stack trace', () => {
    const closed = folder('refused', 0o700);
    let error: unknown;
    try {
      assertEmbeddedPostgresReachable(join(closed, 'data'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EmbeddedPostgresUnreachable);
    const { message, stack } = error as Error;
    expect(message).toContain(`cannot enter ${closed}, which holds its data folder`);
    expect(message).toContain('set DATA_DIR to a folder that user can reach');
    expect(stack).toBe(message);
    // The same DATA_DIR opened up passes.
    chmodSync(closed, 0o711);
    expect(() => assertEmbeddedPostgresReachable(join(closed, 'data'))).not.toThrow();
  });
});

describe('embeddedProgramFolders', () => {
  it('finds the PostgreSQL build that embedded-postgres runs on this platform', () => {
    const folders = embeddedProgramFolders();
    expect(folders).toHaveLength(3);
    expect(existsSync(join(folders![0], 'initdb'))).toBe(true);
    expect(existsSync(join(folders![0], 'postgres'))).toBe(true);
  });
});
