import { BullQueueDriver } from '../src/queue/bull-queue.driver';
import { InlineQueueDriver } from '../src/queue/inline-queue.driver';
import { FINISHED_KEPT, QueueJob, QueuePort } from '../src/queue/queue.port';
import { uniqueName } from './support/database';
import { describeWith } from './support/drivers';
import { eventually } from './support/eventually';

/** The same behaviour from both drivers of the queue port: what domain code relies on, whichever runs underneath. */
function queueContract(make: (opts: { consume: boolean }) => QueuePort) {
  let queue: QueuePort;
  beforeAll(() => {
    queue = make({ consume: true });
  });
  afterAll(() => queue.close());

  const until = (what: string, ok: () => boolean, timeoutMs = 15000) => eventually(what, ok, { timeoutMs, intervalMs: 20 });

  it('runs an added job once, with its name and data', async () => {
    const seen: QueueJob[] = [];
    queue.process('q-basic', async (job) => {
      seen.push(job);
    });
    const id = await queue.add('q-basic', 'greet', { who: 'Volda' });
    await until('the job', () => seen.length === 1);
    await queue.drain('q-basic');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id, queue: 'q-basic', name: 'greet', data: { who: 'Volda' }, attempt: 1, maxAttempts: 1 });
  });

  it('retries a failing job with growing delays and tells listeners whether it will retry', async () => {
    const runs: number[] = [];
    const failures: Array<{ attempt: number; willRetry: boolean; message: string }> = [];
    queue.onFailed('q-retry', (job, err, willRetry) => {
      failures.push({ attempt: job.attempt, willRetry, message: err.message });
    });
    queue.process('q-retry', async (job) => {
      runs.push(Date.now());
      if (job.attempt < 3) throw new Error(`SMTP busy (attempt ${job.attempt})`);
    });
    await queue.add('q-retry', 'send', {}, { attempts: 4, backoffMs: 150 });
    await until('three runs', () => runs.length === 3);
    await queue.drain('q-retry'); // nothing waiting, running or delayed: no fourth run can come
    expect(runs).toHaveLength(3); // succeeded on the third, no fourth
    expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(150 * 0.8);
    expect(runs[2] - runs[1]).toBeGreaterThanOrEqual(2 * 150 * 0.8); // exponential: the second wait is longer
    expect(failures).toEqual([
      { attempt: 1, willRetry: true, message: 'SMTP busy (attempt 1)' },
      { attempt: 2, willRetry: true, message: 'SMTP busy (attempt 2)' },
    ]);
  });

  it('gives up after the maximum attempts', async () => {
    let runs = 0;
    const failures: boolean[] = [];
    queue.onFailed('q-dead', (_job, _err, willRetry) => {
      failures.push(willRetry);
    });
    queue.process('q-dead', async () => {
      runs++;
      throw new Error('mailbox unavailable');
    });
    await queue.add('q-dead', 'send', {}, { attempts: 3, backoffMs: 20 });
    await until('the last failure', () => failures.length === 3);
    await queue.drain('q-dead');
    expect(runs).toBe(3);
    expect(failures).toEqual([true, true, false]);
  });

  it('treats a second add with the same jobId as the same job, before and after it ran', async () => {
    let runs = 0;
    queue.process('q-dedupe', async () => {
      runs++;
    });
    const [first, second] = await Promise.all([
      queue.add('q-dedupe', 'x', { n: 1 }, { jobId: 'send-42-0' }),
      queue.add('q-dedupe', 'x', { n: 2 }, { jobId: 'send-42-0' }),
    ]);
    expect(first).toBe('send-42-0');
    expect(second).toBe('send-42-0');
    await until('the job', () => runs === 1);
    await queue.drain('q-dedupe');
    await queue.add('q-dedupe', 'x', { n: 3 }, { jobId: 'send-42-0' });
    await queue.add('q-dedupe', 'x', { n: 4 }, { jobId: 'send-42-1' });
    await until('the second id', () => runs === 2);
    await queue.drain('q-dedupe');
    expect(runs).toBe(2);
  });

  it('replaces a finished job when asked to, but never one still waiting or running', async () => {
    const runs: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    queue.process<{ n: number }>('q-replace', async (job) => {
      runs.push(job.data.n);
      if (job.data.n === 3) await gate;
    });
    // finished: replaced (a worker that died mid-job left its work undone; the id alone must not block the redo)
    await queue.add('q-replace', 'x', { n: 1 }, { jobId: 'send-7-0' });
    await until('the first run', () => runs.length === 1);
    await queue.drain('q-replace');
    await queue.add('q-replace', 'x', { n: 2 }, { jobId: 'send-7-0' });
    await queue.add('q-replace', 'x', { n: 2 }, { jobId: 'send-7-0', replaceFinished: true });
    await until('the replacement', () => runs.length === 2);
    // running: left alone, the running job does the work
    await queue.drain('q-replace');
    await queue.add('q-replace', 'x', { n: 3 }, { jobId: 'send-8-0' });
    await until('the third run to start', () => runs.length === 3);
    await queue.add('q-replace', 'x', { n: 4 }, { jobId: 'send-8-0', replaceFinished: true });
    release();
    await queue.drain('q-replace');
    expect(runs).toEqual([1, 2, 3]);
  });

  it('forgets finished job ids once as many later jobs finished as Bull keeps, so memory stays bounded', async () => {
    let runs = 0;
    queue.process(
      'q-forget',
      async () => {
        runs++;
      },
      20,
    );
    await queue.add('q-forget', 'x', {}, { jobId: 'first' });
    await until('the first job', () => runs === 1);
    await queue.drain('q-forget');
    for (let i = 0; i < FINISHED_KEPT.completed; i++) await queue.add('q-forget', 'x', {}, { jobId: `later-${i}` });
    await until('the later jobs', () => runs === 1 + FINISHED_KEPT.completed, 60000);
    await queue.drain('q-forget');
    await queue.add('q-forget', 'x', {}, { jobId: `later-${FINISHED_KEPT.completed - 1}` }); // still remembered
    await queue.add('q-forget', 'x', {}, { jobId: 'first' }); // forgotten: a new job
    await until('the forgotten id to run again', () => runs === 2 + FINISHED_KEPT.completed);
    await queue.drain('q-forget');
    expect(runs).toBe(2 + FINISHED_KEPT.completed);
  });

  it('holds a delayed job back', async () => {
    let ranAt = 0;
    queue.process('q-delay', async () => {
      ranAt = Date.now();
    });
    const addedAt = Date.now();
    await queue.add('q-delay', 'later', {}, { delayMs: 300 });
    await until('the delayed job', () => ranAt > 0);
    expect(ranAt - addedAt).toBeGreaterThanOrEqual(300 * 0.8);
  });

  it('fires a repeatable job again and again', async () => {
    let runs = 0;
    queue.process('q-repeat', async () => {
      runs++;
    });
    await queue.addRepeatable('q-repeat', 'tick', {}, { key: 'tick', everyMs: 100 });
    await until('three ticks', () => runs >= 3);
  });

  it('does not consume in an API-only process (PROCESS_ROLE=api)', async () => {
    const api = make({ consume: false });
    let runs = 0;
    api.process('q-split', async () => {
      runs++;
    });
    await api.add('q-split', 'x', {});
    // the job stays waiting: the queue cannot drain without a consumer
    await expect(api.drain('q-split', 250)).rejects.toThrow(/did not drain/);
    expect(runs).toBe(0);
    if (api.driverName === 'bull') {
      // a worker process on the same Redis picks up what the API process added
      queue.process('q-split', async () => {
        runs++;
      });
      await until('the worker to take the job', () => runs === 1);
    }
    await api.close();
  });
}

describe('queue port: in-process driver', () => {
  queueContract(({ consume }) => new InlineQueueDriver(consume));

  it('waits for running jobs at close, but not without end', async () => {
    const queue = new InlineQueueDriver(true, 300);
    let started = false;
    let finished = false;
    queue.process('q-close', async () => {
      started = true;
      await new Promise((r) => setTimeout(r, 100)); // the job's own work
      finished = true;
    });
    await queue.add('q-close', 'quick', {});
    await eventually('the job to start', () => started);
    await queue.close();
    expect(finished).toBe(true); // the running job was let finish

    const stuck = new InlineQueueDriver(true, 300);
    let hanging = false;
    stuck.process('q-close', async () => {
      hanging = true;
      await new Promise(() => undefined); // an SMTP server that never answers
    });
    await stuck.add('q-close', 'hangs', {});
    await eventually('the job to start', () => hanging);
    // without the bound this never returns and the test times out
    await stuck.close();
  });
});

describeWith('REDIS_URL', 'queue port: Bull on Redis', () => {
  const prefix = uniqueName('hto-queue-test');
  queueContract(({ consume }) => new BullQueueDriver(process.env.REDIS_URL!, prefix, consume));
});
