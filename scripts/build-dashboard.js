#!/usr/bin/env node
// Builds the dashboard (services/dashboard/src) into services/dashboard/dist: one JS bundle and one
// CSS file (uPlot's included), no CDN. Runs at `npm install` (postinstall), and `npm start` runs it
// when dist/ is missing. The API serves dist/ at `/`.
const { copyFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');

let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  // An install without devDependencies (npm ci --omit=dev) has no bundler: serve a dist built elsewhere.
  console.log(
    '[dashboard] esbuild is not installed; dashboard not built (npm ci with devDependencies builds it)',
  );
  process.exit(0);
}

const dir = path.resolve(__dirname, '../services/dashboard');
const out = path.join(dir, 'dist');
mkdirSync(path.join(out, 'assets'), { recursive: true });
esbuild
  .build({
    entryPoints: [path.join(dir, 'src/app.js')],
    outfile: path.join(out, 'assets/app.js'),
    bundle: true,
    format: 'esm',
    minify: true,
    sourcemap: true,
    target: ['chrome110', 'firefox110', 'safari16'],
    legalComments: 'linked',
    logLevel: 'warning',
  })
  .then(() => {
    copyFileSync(path.join(dir, 'src/index.html'), path.join(out, 'index.html'));
    console.log(`[dashboard] built into ${path.relative(process.cwd(), out) || out}`);
  })
  .catch(() => process.exit(1));
