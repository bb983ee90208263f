#!/usr/bin/env node
// `npm run bench`: every benchmark of the project, each printing its figures as a ratio against a
// baseline measured in the same run (machines here are noisy; absolute numbers are for context).
// Each benchmark prints one JSON line last; this collects them into one summary.
//   npm run bench                 # all
//   npm run bench -- nlp          # the ones whose name contains "nlp"
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const benches = [
  { name: 'nlp.enrich', file: 'packages/nlp-id/bench/enrich.bench.ts' },
  { name: 'nlp.stem', file: 'packages/nlp-id/bench/stem.bench.ts' },
  { name: 'query.match', file: 'packages/query/bench/match.bench.ts' },
  { name: 'issues.assign', file: 'packages/issues/bench/assign.bench.ts' },
  { name: 'issues.history', file: 'packages/issues/bench/history.bench.ts' },
  { name: 'scorer.post', file: 'packages/scorer/bench/post.bench.ts' },
  // Needs Redis (and OpenSearch for its second figure): scripts/services.sh up.
  { name: 'alerts.delivery', file: 'packages/alerts/bench/delivery.bench.ts' },
];
const filter = process.argv[2];
const results = [];
for (const bench of benches.filter((b) => !filter || b.name.includes(filter))) {
  process.stderr.write(`\n== ${bench.name} (${bench.file})\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, bench.file)], {
    cwd: root,
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stderr.write(run.stdout);
  const last = run.stdout.trim().split('\n').pop();
  if (run.status !== 0 || !last) {
    console.error(`${bench.name} failed (exit ${run.status})`);
    process.exitCode = 1;
    continue;
  }
  results.push({ name: bench.name, ...JSON.parse(last) });
}
console.log(JSON.stringify(results, null, 2));
