import { ChildProcess, spawn } from 'node:child_process';

/**
 * The guard between a test and a process it starts (an app server, redis-server, postgres). The guard starts the
 * target in a process group of its own and kills the whole group when its stdin closes: when the test stops it, and
 * also when the test process dies without stopping it (a Jest worker killed at a timeout closes the pipe as it
 * dies). A crashed or timed-out test can then leave no server behind holding a port, a directory or CI's pipes.
 * Signals sent to the guard (SIGTERM, SIGINT) go to the whole group: a graceful stop, or PostgreSQL's fast shutdown.
 */
const GUARD = `
const { spawn } = require('node:child_process');
const [cmd, ...args] = process.argv.slice(1);
const c = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
const group = (sig) => { try { process.kill(-c.pid, sig); } catch {} };
process.stdout.write('hto-guard-group ' + c.pid + '\\n');
c.on('error', (e) => { console.error(String(e)); process.exit(127); });
c.on('exit', (code, signal) => { group('SIGKILL'); process.exit(code ?? (signal ? 128 : 1)); });
process.stdin.on('close', () => group('SIGKILL'));
process.stdin.on('end', () => group('SIGKILL'));
process.stdin.resume();
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => group(s));
`;

export interface GuardedChild {
  proc: ChildProcess;
  /** What the process wrote (stdout and stderr), newest last; the last `keep` chunks. */
  output: string[];
  /** Resolves with the exit code when the process (and its guard) has exited. */
  exited: Promise<number | null>;
  alive(): boolean;
  /** SIGKILL to the whole group (kill -9), then waits for the exit; bounded. */
  kill(): Promise<void>;
  /** A signal to the whole group (SIGTERM: graceful stop; SIGINT: PostgreSQL's fast shutdown), then SIGKILL after `graceMs`. */
  stop(signal?: 'SIGTERM' | 'SIGINT', graceMs?: number): Promise<void>;
}

function killGroup(pid: number) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

const running = new Set<GuardedChild>();

/** Starts `cmd args` under a guard. Its output is captured, never inherited: nothing holds the runner's stdout open. */
export function spawnGuarded(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; /** chunks of output kept (default 200) */ keep?: number } = {},
): GuardedChild {
  const limit = opts.keep ?? 200;
  const proc = spawn(process.execPath, ['-e', GUARD, cmd, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let group: number | undefined;
  const keep = (d: Buffer) => {
    const text = String(d);
    const m = /hto-guard-group (\d+)/.exec(text);
    if (m && group === undefined) group = Number(m[1]);
    output.push(text);
    if (output.length > limit) output.splice(0, output.length - limit);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  // the pipe to a guard that is gone must not throw in the test process
  proc.stdin!.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const waitExit = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  };
  const child: GuardedChild = {
    proc,
    output,
    exited,
    alive,
    kill: async () => {
      if (alive()) {
        proc.stdin!.end();
        await waitExit(10_000);
        // the guard did not go: kill the target's group and the guard directly
        if (alive()) {
          if (group) killGroup(group);
          proc.kill('SIGKILL');
          await waitExit(5_000);
        }
      }
      running.delete(child);
    },
    stop: async (signal = 'SIGTERM', graceMs = 15_000) => {
      if (alive()) {
        proc.kill(signal);
        await waitExit(graceMs);
      }
      await child.kill();
    },
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

/** Kills every guarded child this test process still has: for afterAll, after the test's own clean-up. */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.kill()));
}
