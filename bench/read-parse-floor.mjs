// The floor of measurement 7 (bench/replay-vs-floor.ts): a process that only reads a
// tick file and JSON.parses every line, the least any replay of the file can do.
// Plain JavaScript run by plain node (no tsx), so its start-up is node's alone, as
// the built CLI's is. Prints the count of parsed lines so the work cannot be skipped.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8');
let parsed = 0;
let start = 0;
for (;;) {
  const end = text.indexOf('\n', start);
  const line = end === -1 ? text.slice(start) : text.slice(start, end);
  if (line !== '' && JSON.parse(line) !== null) parsed += 1;
  if (end === -1) break;
  start = end + 1;
}
process.stdout.write(`${parsed}\n`);
