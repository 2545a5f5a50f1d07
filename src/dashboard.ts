// `strdist dashboard`: bull-board over strdist's queues, plus a small server-rendered page of
// the live workers and the jobs. express and bull-board are optional peer dependencies, loaded
// only here (the library never imports this file).
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { ConnectionOptions, Job, Queue } from 'bullmq';
import { bullmq, ioredis } from './dispatch/deps.js';
import { RemoteJobError } from './errors.js';
import { QueueDispatcher } from './dispatch/queue.js';
import { checkPrefix, describeTarget, QUEUE_NAMES, redisOptions } from './dispatch/redis.js';
import type { JobState, WorkerInfo } from './dispatch/types.js';
import { decodeResult } from './tasks.js';

export interface DashboardOptions {
  redis: string;
  /** @defaultValue 'strdist' */
  prefix?: string;
  /** @defaultValue 3000 (0: any free port) */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Let bull-board retry, clean, promote and remove jobs. @defaultValue false (read-only) */
  allowActions?: boolean;
  /** Basic auth: `user:password-file` (the file holds the password; a trailing newline is dropped). */
  auth?: string;
  /** How often the queue list is refreshed from Redis. @defaultValue 5000 */
  rescanMs?: number;
}

export interface RunningDashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** What the dashboard exits with when Redis cannot be reached. */
export const EXIT_REDIS_UNREACHABLE = 2;

export class DashboardError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'DashboardError';
  }
}

/** strdist's queue names: kernel-versioned, `native-vN` or `any-vN`. */
const QUEUE_NAME = /^(native|any)-v\d+$/;

async function need<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new DashboardError(
      `strdist dashboard needs ${name}, which is not installed: npm install express@5 @bull-board/api@9 @bull-board/express@9`,
    );
  }
}

function readAuth(spec: string): { user: string; password: string } {
  const at = spec.indexOf(':');
  if (at <= 0 || at === spec.length - 1) throw new DashboardError(`--auth must be user:password-file, got ${JSON.stringify(spec)}`);
  const user = spec.slice(0, at);
  const file = spec.slice(at + 1);
  let password: string;
  try {
    password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new DashboardError(`--auth: cannot read the password file ${file}: ${(err as Error).message}`);
  }
  if (password === '') throw new DashboardError(`--auth: the password file ${file} is empty`);
  return { user, password };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const escapeHtml = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string, refreshS?: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
${refreshS ? `<meta http-equiv="refresh" content="${refreshS}">` : ''}
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d1d1f}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}code,pre{font:12px ui-monospace,monospace}pre{background:#f6f6f6;padding:.6em;overflow:auto}
.ok{color:#17702f}.bad{color:#a1130b}progress{width:8em}nav a{margin-right:1em}
</style></head><body>
<nav><a href="/">workers and jobs</a><a href="/queues">queues (bull-board)</a></nav>
${body}
</body></html>`;
}

function progressCell(done: number | undefined, total: number | undefined): string {
  if (done === undefined || !total) return '';
  const pct = Math.floor((100 * done) / total);
  return `<progress max="${total}" value="${done}"></progress> <span data-field="progress">${done}/${total} (${pct}%)</span>`;
}

function jobLink(clientId: string): string {
  const at = clientId.indexOf('/');
  return `<a href="/jobs/${encodeURIComponent(clientId.slice(0, at))}/${encodeURIComponent(clientId.slice(at + 1))}">${escapeHtml(clientId)}</a>`;
}

function workersTable(list: WorkerInfo[], now: number): string {
  if (list.length === 0) return '<p data-empty="workers">No live workers.</p>';
  const rows = list.map((w) => {
    const current = (w.current ?? []).map((c) => `${jobLink(c.id)} ${escapeHtml(c.task)} ${progressCell(c.done, c.total)}`).join('<br>');
    const cells: [string, string][] = [
      ['id', escapeHtml(w.id)],
      ['host', escapeHtml(w.hostname)],
      ['platform', escapeHtml(w.platform)],
      ['arch', escapeHtml(w.arch)],
      ['backend', escapeHtml(w.backend)],
      ['kernel', `v${escapeHtml(w.kernelVersion)}`],
      ['sha256', w.binary ? `<code title="${escapeHtml(w.binary.sha256)}">${escapeHtml(w.binary.sha256.slice(0, 16))}…</code>` : '-'],
      ['cpu', escapeHtml((w.cpuFeatures ?? []).join(' ') || '-')],
      ['threads', escapeHtml(w.threads)],
      ['heartbeat', `${Math.max(0, Math.round((now - w.heartbeatAt) / 1000))} s ago`],
      ['completed', escapeHtml(w.jobs?.completed ?? '-')],
      ['failed', escapeHtml(w.jobs?.failed ?? '-')],
      ['current', current || 'idle'],
    ];
    return `<tr data-worker="${escapeHtml(w.id)}">${cells.map(([k, v]) => `<td data-field="${k}">${v}</td>`).join('')}</tr>`;
  });
  const head = ['id', 'host', 'platform', 'arch', 'backend', 'kernel', 'binary sha256', 'CPU features', 'threads', 'heartbeat', 'completed', 'failed', 'current job'];
  return `<table id="workers"><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const prefix = checkPrefix(options.prefix);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 3000;
  const allowActions = options.allowActions === true;
  const auth = options.auth ? readAuth(options.auth) : undefined;
  const connection = redisOptions(options.redis);
  const where = describeTarget(connection);

  // Redis first: an unreachable one is one clear line and its own exit code.
  const probe = new (ioredis().Redis)({ ...connection, lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000, retryStrategy: () => null });
  let firstError: Error | undefined;
  probe.on('error', (err: Error) => (firstError ??= err));
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new DashboardError(`strdist dashboard: cannot reach Redis at ${where}: ${(firstError ?? (err as Error)).message}`, EXIT_REDIS_UNREACHABLE);
  } finally {
    probe.disconnect();
  }
  // then one that reconnects: the page says so while Redis is away
  const redis = new (ioredis().Redis)({ ...connection, maxRetriesPerRequest: 1, connectTimeout: 3_000 });
  redis.on('error', () => {});

  const expressLoaded = await need<{ default?: typeof import('express') }>('express');
  const express = (expressLoaded.default ?? expressLoaded) as typeof import('express');
  const { createBullBoard } = await need<typeof import('@bull-board/api')>('@bull-board/api');
  // CommonJS modules: their exports as named imports, or under default
  const adapterModule = await need<typeof import('@bull-board/api/bullMQAdapter') & { default?: typeof import('@bull-board/api/bullMQAdapter') }>('@bull-board/api/bullMQAdapter');
  const BullMQAdapter = adapterModule.BullMQAdapter ?? adapterModule.default!.BullMQAdapter;
  const expressModule = await need<typeof import('@bull-board/express') & { default?: typeof import('@bull-board/express') }>('@bull-board/express');
  const ExpressAdapter = expressModule.ExpressAdapter ?? expressModule.default!.ExpressAdapter;

  const queues = new Map<string, Queue>();
  const dispatcher = new QueueDispatcher({ redis: options.redis, prefix });
  const queueOf = (name: string) => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = new (bullmq().Queue)(name, { connection: redis as unknown as ConnectionOptions, prefix })));
    return q;
  };

  /** strdist's queues in Redis: every kernel version's, found by their meta keys. */
  const scan = async (): Promise<string[]> => {
    const found = new Set<string>(QUEUE_NAMES);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*:meta`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        const name = k.slice(prefix.length + 1, -':meta'.length);
        if (QUEUE_NAME.test(name)) found.add(name);
      }
    } while (cursor !== '0');
    return [...found].sort();
  };

  const adapterFor = (name: string) => {
    const a = new BullMQAdapter(queueOf(name), {
      readOnlyMode: !allowActions,
      allowRetries: allowActions,
      description: name.startsWith('native') ? 'jobs for workers with the native kernel' : 'jobs any worker may run',
    });
    // results on the wire are base64 positions and scores: shown decoded
    a.setFormatter('returnValue', (value: unknown) => {
      try {
        return decodeResult(value);
      } catch {
        return value;
      }
    });
    return a;
  };

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/queues');
  let names = await scan();
  const board = createBullBoard({
    queues: names.map(adapterFor),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'strdist',
        miscLinks: [{ text: 'Workers', url: '/' }],
        hideDocsLink: true,
      },
    },
  });
  const rescan = setInterval(() => {
    void scan()
      .then((now) => {
        if (now.join() === names.join()) return;
        names = now;
        board.replaceQueues(now.map(adapterFor));
      })
      .catch(() => {});
  }, options.rescanMs ?? 5_000);
  rescan.unref();

  const app = express();
  app.disable('x-powered-by');
  if (auth) {
    app.use((req, res, next) => {
      const header = req.headers.authorization ?? '';
      const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
      const [user, ...rest] = m ? Buffer.from(m[1], 'base64').toString('utf8').split(':') : [];
      if (m && sameText(user, auth.user) && sameText(rest.join(':'), auth.password)) return next();
      res.set('WWW-Authenticate', 'Basic realm="strdist dashboard", charset="UTF-8"').status(401).send('authentication required');
    });
  }
  if (!allowActions) {
    // Read-only: bull-board's adapters refuse actions already; nothing that writes gets that far.
    app.use('/queues', (req, res, next) => {
      if (req.method === 'GET' || req.method === 'HEAD') return next();
      res.status(405).json({ error: 'read-only dashboard: start it with --allow-actions to retry, clean or cancel jobs' });
    });
  }

  app.get('/', async (req, res) => {
    const now = Date.now();
    const list = await dispatcher.workers();
    const sections: string[] = [];
    for (const name of names) {
      const q = queueOf(name);
      const [counts, active, completed, failed] = await Promise.all([
        q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'waiting-children'),
        q.getJobs(['active'], 0, 19),
        q.getJobs(['completed'], 0, 9),
        q.getJobs(['failed'], 0, 9),
      ]);
      const row = (j: Job, state: string) => {
        const p = j.progress as { done?: number; total?: number } | undefined;
        const cell = state === 'active' ? progressCell(p?.done, p?.total) : state === 'failed' ? `<span class="bad">${escapeHtml(j.failedReason ?? '')}</span>` : '<span class="ok">done</span>';
        return `<tr data-job="${escapeHtml(`${name}/${j.id}`)}"><td>${jobLink(`${name}/${j.id}`)}</td><td>${escapeHtml(j.name)}</td><td data-field="state">${state}</td><td>${escapeHtml(j.processedBy ?? '')}</td><td>${cell}</td></tr>`;
      };
      const rows = [...active.map((j) => row(j, 'active')), ...completed.map((j) => row(j, 'completed')), ...failed.map((j) => row(j, 'failed'))];
      sections.push(
        `<h3>${escapeHtml(name)}</h3><p>${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(' · ')}</p>` +
          (rows.length ? `<table><tr><th>job</th><th>task</th><th>state</th><th>worker</th><th>progress / outcome</th></tr>${rows.join('')}</table>` : ''),
      );
    }
    const refresh = Math.min(60, Math.max(1, Number(req.query.refresh) || 2));
    res.type('html').send(
      page(
        'strdist workers',
        `<h1>strdist: ${list.length} live worker${list.length === 1 ? '' : 's'}</h1>
<p>Redis ${escapeHtml(where)}, prefix <code>${escapeHtml(prefix)}</code>; ${allowActions ? 'actions allowed' : 'read-only'}; refreshed every ${refresh} s.</p>
${workersTable(list, now)}
<h2>Jobs</h2>${sections.join('')}`,
        refresh,
      ),
    );
  });

  app.get('/workers.json', async (_req, res) => {
    res.json(await dispatcher.workers());
  });

  app.get('/jobs/:queue/:jobId', async (req, res) => {
    const { queue, jobId } = req.params;
    if (!QUEUE_NAME.test(queue) || !names.includes(queue)) {
      res.status(404).type('html').send(page('no such queue', `<p>No strdist queue ${escapeHtml(queue)}.</p>`));
      return;
    }
    const job = await bullmq().Job.fromId(queueOf(queue), jobId);
    if (!job) {
      res.status(404).type('html').send(page('no such job', `<p>No job ${escapeHtml(jobId)} in ${escapeHtml(queue)} (never queued, or past its retention).</p>`));
      return;
    }
    const clientId = `${queue}/${jobId}`;
    const state = await job.getState();
    const data = job.data as { task?: string; args?: { queries?: string[]; n?: number; metric?: string } };
    const p = job.progress as { done?: number; total?: number; worker?: string } | undefined;
    const parts: string[] = [
      `<h1>job ${escapeHtml(clientId)}</h1>`,
      `<table>
<tr><th>task</th><td>${escapeHtml(data?.task ?? job.name)}</td></tr>
<tr><th>state</th><td data-field="state">${escapeHtml(state)}</td></tr>
<tr><th>worker</th><td data-field="worker">${escapeHtml(job.processedBy ?? p?.worker ?? '')}</td></tr>
<tr><th>progress</th><td>${progressCell(p?.done, p?.total) || '-'}</td></tr>
<tr><th>attempts</th><td>${escapeHtml(job.attemptsMade)}</td></tr>
<tr><th>queued</th><td>${new Date(job.timestamp).toISOString()}</td></tr>
${job.finishedOn ? `<tr><th>finished</th><td>${new Date(job.finishedOn).toISOString()}</td></tr>` : ''}
</table>`,
    ];
    const current = QUEUE_NAMES.includes(queue);
    if (state === 'completed') {
      const queries = data?.args?.queries ?? [];
      let body: string;
      try {
        // through the client: positions back to words with the stored corpus
        const result = current ? await dispatcher.result<'closest'>(clientId, { timeoutMs: 5_000 }) : undefined;
        if (!result) throw new Error('a job of another kernel version');
        body = `<table id="result"><tr><th>query</th><th>matches</th></tr>${result
          .slice(0, 200)
          .map((ms, i) => `<tr><td>${escapeHtml(queries[i] ?? i)}</td><td>${ms.map((m) => `${escapeHtml(m.word)} <small>${escapeHtml(m.score)}</small>`).join(', ')}</td></tr>`)
          .join('')}</table>${result.length > 200 ? `<p>… and ${result.length - 200} more queries</p>` : ''}`;
      } catch {
        body = `<pre id="result">${escapeHtml(JSON.stringify(safeDecode(job.returnvalue), null, 1))}</pre>`;
      }
      parts.push(`<h2>Result</h2>${body}`);
    } else if (state === 'failed') {
      let message = job.failedReason ?? '';
      let stack = job.stacktrace?.at(-1) ?? '';
      if (current) {
        const err = await dispatcher.result(clientId, { timeoutMs: 5_000 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (err instanceof RemoteJobError) {
          message = err.message;
          stack = err.remoteStack ?? stack;
        }
      }
      parts.push(`<h2>Error</h2><p class="bad" data-field="error">${escapeHtml(message)}</p><h3>Worker's stack</h3><pre id="stack">${escapeHtml(stack)}</pre>`);
    } else {
      const status: JobState | undefined = current ? await dispatcher.status(clientId, { progress: true }).catch(() => undefined) : undefined;
      parts.push(`<p>${escapeHtml(status?.status ?? state)}: refreshed every 2 s.</p>`);
    }
    if (allowActions && (state === 'active' || state === 'waiting' || state === 'waiting-children') && current) {
      parts.push(`<form method="post" action="${escapeHtml(jobId)}/cancel"><button>cancel</button></form>`);
    }
    res.type('html').send(page(`job ${clientId}`, parts.join('\n'), state === 'completed' || state === 'failed' ? undefined : 2));
  });

  if (allowActions) {
    app.post('/jobs/:queue/:jobId/cancel', async (req, res) => {
      // a same-origin form: a page elsewhere cannot make this browser cancel jobs
      const origin = req.headers.origin;
      if (origin && origin !== `${req.protocol}://${req.headers.host}`) {
        res.status(403).send('cross-origin request refused');
        return;
      }
      const cancelled = await dispatcher.cancel(`${req.params.queue}/${req.params.jobId}`).catch(() => false);
      res.redirect(303, `/jobs/${encodeURIComponent(req.params.queue)}/${encodeURIComponent(req.params.jobId)}${cancelled ? '' : '?cancel=refused'}`);
    });
  }

  app.use('/queues', serverAdapter.getRouter());
  app.use((err: Error, _req: import('express').Request, res: import('express').Response, _next: import('express').NextFunction) => {
    res.status(500).type('text').send(`strdist dashboard: ${err.message}`);
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  }).catch((err: Error) => {
    clearInterval(rescan);
    redis.disconnect();
    void dispatcher.close();
    throw new DashboardError(`strdist dashboard: cannot listen on ${host}:${port}: ${err.message}`);
  });
  const address = server.address() as { port: number };
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${address.port}/`,
    port: address.port,
    async close() {
      clearInterval(rescan);
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all([...queues.values()].map((q) => q.close().catch(() => {})));
      await dispatcher.close();
      redis.disconnect();
    },
  };
}

function safeDecode(value: unknown): unknown {
  try {
    return decodeResult(value);
  } catch {
    return value;
  }
}
