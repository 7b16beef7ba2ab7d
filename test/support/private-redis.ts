import { createServer, Socket } from 'node:net';
import { GuardedChild, spawnGuarded } from './children';

/**
 * A Redis of a test's own on a spare port, without persistence: the test may flush, stop or restart it (and so lose
 * its data) without touching the shared server.
 */
export class PrivateRedis {
  private proc?: GuardedChild;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.startAgain();
    return r;
  }

  /** Starts it (again) on the same port, empty. */
  async startAgain(): Promise<void> {
    // under a guard: killed with the test process even if no afterAll gets to stop it
    const proc = spawnGuarded('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    this.proc = proc;
    const deadline = Date.now() + 10_000;
    while (!(await answers(this.port))) {
      // it exited (the port was taken meanwhile, say): say so now, not after the deadline
      if (!proc.alive()) throw new Error(`redis-server on ${this.port} exited: ${proc.output.join('').slice(-500)}`);
      if (Date.now() > deadline) {
        await proc.kill();
        throw new Error(`redis-server on ${this.port} did not start in 10 s`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills it (as a crash would) and waits, at most 10 s, until the port no longer answers. */
  async stop(): Promise<void> {
    await this.proc?.kill();
    const deadline = Date.now() + 10_000;
    while (await answers(this.port)) {
      if (Date.now() > deadline) throw new Error(`port ${this.port} still answers after redis-server was killed`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** Whether something accepts a connection on the port; a connection that neither opens nor fails in 1 s is a no. */
export function answers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}
