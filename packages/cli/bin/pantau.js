#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so `npx pantau` works without a build step.
require('tsx/cjs');
require('../src/main.ts');
