#!/usr/bin/env node
// `npm run build`: type-checks the whole workspace, then bundles each service into
// services/<name>/dist/main.js (our packages inlined, third-party packages left to node_modules).
// Services also run straight from TypeScript through tsx (`node --import tsx services/x/src/main.ts`),
// which is what `npm start` and docker-compose do; the bundles are for lean deployments.
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json'), '--noEmit'],
  {
    stdio: 'inherit',
  },
);

const thirdPartyExternal = {
  name: 'third-party-external',
  setup(build) {
    // require.resolve() is answered at run time from node_modules (nlp-id finds its data that way).
    build.onResolve({ filter: /./ }, (args) =>
      args.kind === 'require-resolve' ? { path: args.path, external: true } : undefined,
    );
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@pantau/') ? undefined : { path: args.path, external: true },
    );
  },
};

const services = readdirSync(path.join(root, 'services')).filter((s) =>
  existsSync(path.join(root, 'services', s, 'src', 'main.ts')),
);
const bundle = (entry, outfile) =>
  esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    plugins: [thirdPartyExternal],
    logLevel: 'warning',
  });
Promise.all([
  ...services.map((s) =>
    bundle(
      path.join(root, 'services', s, 'src', 'main.ts'),
      path.join(root, 'services', s, 'dist', 'main.js'),
    ),
  ),
  // The scorer retrains the hoax model in a worker thread, whose code must sit beside its main.js
  // (packages/nlp-id/src/retrain-thread.ts looks for it there).
  bundle(
    path.join(root, 'packages/nlp-id/src/retrain-worker.ts'),
    path.join(root, 'services/scorer/dist/retrain-worker.js'),
  ),
]).then(
  () => {
    console.log(`built ${services.map((s) => `services/${s}/dist/main.js`).join(', ')}`);
    // The dashboard the API serves (services/dashboard/dist).
    execFileSync(process.execPath, [path.join(root, 'scripts/build-dashboard.js')], { stdio: 'inherit' });
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
