/**
 * pantau — command-line access to the Indonesian language engine.
 *
 *   pantau stem                                   words on stdin (one per line) → stems
 *   pantau normalize                              lines on stdin → normalised lines
 *   pantau hoax train --data FILE.csv --out MODEL.json
 *   pantau hoax eval  --model MODEL.json --data FILE.csv
 *   pantau hoax score [--model MODEL.json]        lines on stdin → one JSON assessment per line
 *
 * Stdout carries only the results; progress and errors go to stderr.
 */
import { run } from './cli';

run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pantau: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
