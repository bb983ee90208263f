#!/usr/bin/env node
// `npm start`: the whole pipeline on this machine. Starts the servers it needs (scripts/services.sh,
// unless KAFKA_BROKERS/OPENSEARCH_URL/REDIS_URL point elsewhere), then every service as its own
// process with its logs prefixed by the service name, and stops them all on Ctrl-C.
//
//   npm start                         # replays the bundled sample posts at 30x, retimed to now
//   npm start -- --no-replay          # no sample replay (push posts to the API instead)
//   npm start -- --replay FILE.jsonl --speed 0
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { concurrently } = require('concurrently');

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
  console.log(`[start] operator key (PANTAU_ADMIN_KEY) is in ${keyFile}`);
}

// concurrently runs commands through a shell: quote each argument for it.
const shellQuote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

const env = { ...process.env, PANTAU_ADMIN_KEY: adminKey, DOTENV_CONFIG_QUIET: 'true' };
const service = (name, extraEnv = {}, extraArgs = []) => ({
  name,
  command: [
    process.execPath,
    '--import',
    'tsx',
    path.join(root, 'services', name, 'src', 'main.ts'),
    ...extraArgs,
  ]
    .map(shellQuote)
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

const { result, commands: running } = concurrently(commands, {
  prefix: '[{name}]',
  killOthersOn: ['failure'],
  killSignal: 'SIGTERM',
  prefixColors: ['cyan', 'magenta', 'yellow', 'green'],
});
const stop = () => running.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
result.then(
  () => process.exit(0),
  (events) => {
    const failed = events.filter(
      (e) => e.exitCode !== 0 && e.exitCode !== 'SIGTERM' && e.exitCode !== 'SIGINT',
    );
    process.exit(failed.length ? 1 : 0);
  },
);
