import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { GuardedChild, spawnGuarded } from './children';
import { answers, freePort } from './private-redis';

/** The newest PostgreSQL server binaries installed (Debian's /usr/lib/postgresql/<major>/bin), if any. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'bin', 'postgres')) && existsSync(join(root, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? join(root, majors[0], 'bin') : undefined;
}

/**
 * A PostgreSQL server of a test's own, in a temporary directory on a spare port: the test may stop, kill and
 * restart it without touching the machine's shared server, which other test files use at the same time.
 * PostgreSQL refuses to run as root: as root the binaries run as the `postgres` OS user (runuser), which owns the
 * directory. The server runs in the foreground under a guard (test/support/children.ts), so it dies with the test.
 */
export class PrivatePostgres {
  private proc?: GuardedChild;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
    private readonly asUser: string[],
  ) {}

  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBinaries();
    if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
    const dir = mkdtempSync(join(tmpdir(), 'hto-pg-'));
    let asUser: string[] = [];
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
      asUser = ['runuser', '-u', 'postgres', '--'];
    }
    const pg = new PrivatePostgres(await freePort(), dir, bin, asUser);
    const [cmd, ...args] = [...asUser, join(bin, 'initdb'), '-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'];
    execFileSync(cmd, args, { stdio: 'pipe', timeout: 60_000, cwd: dir });
    await pg.startAgain();
    return pg;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Starts the server (again) on the same port and data; resolves once it answers queries. */
  async startAgain(): Promise<void> {
    const [cmd, ...args] = [
      ...this.asUser,
      join(this.bin, 'postgres'),
      '-D',
      this.dataDir,
      '-p',
      String(this.port),
      '-k',
      this.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      // a throwaway server: the OS keeps what it is given (nothing here survives a power cut, nothing needs to)
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=60',
    ];
    const proc = spawnGuarded(cmd, args, { cwd: this.dir });
    this.proc = proc;
    const deadline = Date.now() + 30_000;
    while (!(await this.acceptsQueries())) {
      if (!proc.alive()) throw new Error(`postgres on ${this.port} exited: ${proc.output.join('').slice(-1000)}`);
      if (Date.now() > deadline) {
        await proc.kill();
        throw new Error(`postgres on ${this.port} did not accept queries in 30 s: ${proc.output.join('').slice(-1000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A fast shutdown (SIGINT: sessions are ended, everything committed is kept), as a restart by an operator does. */
  async stop(): Promise<void> {
    await this.proc?.stop('SIGINT', 20_000);
    await this.untilClosed();
  }

  /** kill -9 of the whole server. */
  async kill(): Promise<void> {
    await this.proc?.kill();
    await this.untilClosed();
  }

  /** Stops the server and removes its directory. */
  async destroy(): Promise<void> {
    await this.proc?.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], database = 'postgres'): Promise<T[]> {
    const c = new Client({ connectionString: this.url(database), connectionTimeoutMillis: 5000 });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  private async acceptsQueries(): Promise<boolean> {
    if (!(await answers(this.port))) return false;
    try {
      await this.query('SELECT 1');
      return true;
    } catch {
      // starting up ("the database system is starting up")
      return false;
    }
  }

  /** Until the port is closed and the postmaster (and so its lock on the data directory) is gone; bounded. */
  private async untilClosed(): Promise<void> {
    const deadline = Date.now() + 10_000;
    const lock = join(this.dataDir, 'postmaster.pid');
    const postmaster = existsSync(lock) ? Number(readFileSync(lock, 'utf8').split('\n')[0]) : undefined;
    const exists = (pid?: number) => {
      if (!pid) return false;
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    while ((await answers(this.port)) || exists(postmaster)) {
      if (Date.now() > deadline) throw new Error(`postgres on ${this.port} still runs after it was stopped`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
