// The README's flag table must be exactly what `polylens --help-markdown` prints: both come from the
// option declarations in proxy/config.cpp, and this keeps the README from drifting.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [proxy, readme] = process.argv.slice(2);
const table = execFileSync(proxy, ['--help-markdown'], { encoding: 'utf8' }).trim();
const ok = readFileSync(readme, 'utf8').includes(table);
if (!ok) console.log(`README.md's flag table differs from ${proxy} --help-markdown; paste this in:\n${table}`);
console.log(`readme_flags: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
