/** Where the shared evaluation data is: `--data DIR`, else the nearest `shared/data/hoax` above the repository (../shared from the root). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function sharedHoaxDir(given?: string): string {
  if (given) return path.resolve(given);
  let dir = path.resolve(__dirname, '..', '..', '..');
  for (;;) {
    const parent = path.dirname(dir);
    const candidate = path.join(parent, 'shared', 'data', 'hoax');
    if (fs.existsSync(candidate)) return candidate;
    if (parent === dir) throw new Error('shared/data/hoax not found above the repository; pass --data DIR');
    dir = parent;
  }
}
