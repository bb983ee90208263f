#!/usr/bin/env node
/* global fetch, AbortSignal */
// `npm start`: the whole pipeline on this machine. Starts the servers it needs (scripts/services.sh,
// unless KAFKA_BROKERS/OPENSEARCH_URL/REDIS_URL point elsewhere), then every service as its own
// process with its logs prefixed by the service name, and stops them all on Ctrl-C.
//
//   npm start                         # replays the bundled sample posts at 30x, retimed to now
//   npm start -- --no-replay          # no sample replay (push posts to the API instead)
//   npm start -- --replay FILE.jsonl --speed 0
const { execFileSync, spawn } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { createConcurrently, KillOthers, LogError, LogOutput, Logger } = require('concurrently');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

if (!process.env.PANTAU_SKIP_SERVICES) {
  execFileSync('bash', [path.join(root, 'scripts/services.sh'), 'up'], { stdio: 'inherit' });
}

// The operator's key: generated once and kept under .data so it survives restarts.
const dataDir = process.env.PANTAU_DATA_DIR || path.join(root, '.data');
mkdirSync(dataDir, { recursive: true });
const keyFile = path.join(dataDir, 'admin-key');
let adminKey = process.env.PANTAU_ADMIN_KEY;
if (!adminKey) {
  if (!existsSync(keyFile))
    writeFileSync(keyFile, `pk_admin_${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  adminKey = readFileSync(keyFile, 'utf8').trim();
}

// The dashboard is built at install (`postinstall`), or here when it is missing or older than its
// sources (after a pull without an install).
const dashboardIndex = path.join(root, 'services/dashboard/dist/index.html');
const dashboardSrc = path.join(root, 'services/dashboard/src');
const stale =
  !existsSync(dashboardIndex) ||
  readdirSync(dashboardSrc).some(
    (f) => statSync(path.join(dashboardSrc, f)).mtimeMs > statSync(dashboardIndex).mtimeMs,
  );
if (stale) {
  console.log('[start] building the dashboard…');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-dashboard.js')], { stdio: 'inherit' });
}

// concurrently runs commands through a shell: quote each argument for it.
const shellQuote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

// A person at a terminal gets coloured, readable lines; a pipe or a file gets JSON lines.
const terminal = process.stdout.isTTY === true;
const env = {
  ...process.env,
  PANTAU_ADMIN_KEY: adminKey,
  DOTENV_CONFIG_QUIET: 'true',
  ...(process.env.LOG_FORMAT ? {} : { LOG_FORMAT: terminal ? 'pretty' : 'json' }),
};
const service = (name, extraEnv = {}, extraArgs = []) => ({
  name,
  // `exec`: the shell becomes the service, so the one SIGTERM we send reaches it exactly once.
  command: [
    'exec',
    process.execPath,
    '--import',
    'tsx',
    path.join(root, 'services', name, 'src', 'main.ts'),
    ...extraArgs,
  ]
    .map((a, i) => (i === 0 ? a : shellQuote(a)))
    .join(' '),
  env: { ...env, ...extraEnv },
  cwd: root,
});

const replay = !args.includes('--no-replay');
const speed = Number(arg('speed', '30'));
// A replay at N× compresses time N-fold; the detector's one-minute buckets shrink with it so a
// replayed day has the same shape as the live one.
const detectorEnv =
  replay && speed > 0 && !process.env.DETECTOR_BUCKET_MS
    ? { DETECTOR_BUCKET_MS: String(Math.max(100, Math.round(60_000 / speed))), DETECTOR_TICK_MS: '2000' }
    : {};
const commands = [
  service('api'),
  service(
    'scorer',
    process.env.FACTCHECKS_CSV
      ? {}
      : { FACTCHECKS_CSV: path.join(root, 'packages/scorer/data/factchecks-sample.csv') },
  ),
  service('detector', detectorEnv),
  // Source workers (news feeds, fact-checks, Mastodon, Reddit): an ingest process without a replay file.
  { ...service('ingest'), name: 'sources' },
];
if (replay) {
  const file = arg('replay', path.join(root, 'packages/ingest/data/sample-posts.jsonl'));
  commands.push(service('ingest', {}, ['--file', file, '--speed', String(speed), '--retime', 'true']));
}

const port = process.env.PORT || '3000';
const host = process.env.HOST || '127.0.0.1';
const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

// concurrently's core, without its signal forwarding: every service runs in its own process group
// (detached), so the terminal's Ctrl-C reaches only this script, and `stop` below sends each service
// exactly one SIGTERM however many signals arrive (npm forwards the terminal's SIGINT too). A second
// signal would cut a service's graceful shutdown short.
const logger = new Logger({ prefixFormat: '[{name}]' });
const { result, commands: running } = createConcurrently(commands, {
  logger,
  outputStream: process.stdout,
  prefixColors: ['cyan', 'magenta', 'yellow', 'green'],
  spawn: (command, options) => spawn('/bin/sh', ['-c', command], { ...options, detached: true }),
  controllers: [
    new LogError({ logger }),
    new LogOutput({ logger }),
    new KillOthers({ logger, conditions: ['failure'], killSignal: 'SIGTERM' }),
  ],
});

let stopping = false;
const stop = (signal) => {
  if (stopping) {
    console.log('[start] already stopping; each service finishes its work first (at most 15 s)');
    return;
  }
  stopping = true;
  console.log(`[start] ${signal}: stopping the services…`);
  running.forEach((c) => c.kill('SIGTERM'));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGHUP', () => stop('SIGHUP'));

const servers = process.env.PANTAU_SKIP_SERVICES
  ? 'The servers (Kafka, OpenSearch, Redis) were not started by npm start and keep running.'
  : 'Kafka, OpenSearch and Redis keep running (fast next start); stop them with: npm run services -- down';

// The banner comes once the API answers ready: then every URL in it works.
async function banner() {
  const deadline = Date.now() + 180_000;
  while (!stopping && Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (stopping) return;
  const bold = (s) => (terminal ? `\x1b[1m${s}\x1b[22m` : s);
  const key = process.env.PANTAU_ADMIN_KEY
    ? 'PANTAU_ADMIN_KEY from your environment'
    : `${path.relative(process.cwd(), keyFile)}   (cat it, paste it on the sign-in page)`;
  const mp = process.env.METRICS_PORT;
  const otherMetrics = !mp
    ? '(scorer :9464, detector :9465)'
    : mp === '0'
      ? '(scorer, detector: a free port each, in their logs)'
      : `(METRICS_PORT ${mp})`;
  const lines = [
    '',
    bold('  Pantau berjalan — Pantau is running'),
    '',
    `  Dasbor / dashboard   ${bold(`${base}/`)}`,
    `  API docs (OpenAPI)   ${base}/docs`,
    `  Metrics              ${base}/metrics   ${otherMetrics}`,
    `  Kunci operator       ${key}`,
  ];
  if (replay) lines.push('  Sample posts         replaying now; rising issues appear within a minute or two');
  lines.push(`  Berhenti / stop      Ctrl-C once. ${servers}`, '');
  console.log(lines.join('\n'));
}
void banner();

const finish = (code) => {
  console.log(`[start] services stopped${code ? ' (some with errors)' : ''}. ${servers}`);
  process.exit(code);
};
result.then(
  () => finish(0),
  (events) => {
    const failed = events.filter(
      (e) => e.exitCode !== 0 && e.exitCode !== 'SIGTERM' && e.exitCode !== 'SIGINT',
    );
    for (const e of failed) console.log(`[start] ${e.command.name} exited with ${e.exitCode}`);
    finish(failed.length ? 1 : 0);
  },
);
