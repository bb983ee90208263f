/** Evaluation data lives outside the repository (licence); tests that need it skip when it is absent. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SHARED_DATA_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data');

export function sharedDataFile(relative: string): string | undefined {
  const file = path.join(SHARED_DATA_DIR, relative);
  return fs.existsSync(file) ? file : undefined;
}

export function skipMessage(relative: string): string {
  return `skipped: ${path.join(SHARED_DATA_DIR, relative)} is not present (evaluation data is not shipped with the repository)`;
}
