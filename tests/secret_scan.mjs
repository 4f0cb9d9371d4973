// The last test of a run: no secret any suite registered (the Jina key, admin tokens, refused keys)
// appears in any HTTP answer the suites received or any line the processes they started printed.
// Run by ctest as the cleanup of the "recording" fixture; `reset` empties the record first.
import { readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';

const dir = `${process.env.POLYLENS_ARTIFACTS ?? '/tmp/polylens-artifacts'}/record`;
if (process.argv[2] === 'reset') {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.exit(0);
}

const files = readdirSync(dir);
const secrets = new Set(
  files.filter((f) => f.startsWith('secrets-')).flatMap((f) => readFileSync(`${dir}/${f}`, 'utf8').split('\n')).filter(Boolean),
);
const records = files.filter((f) => !f.startsWith('secrets-'));
let bytes = 0;
const leaks = [];
for (const f of records) {
  const text = readFileSync(`${dir}/${f}`, 'utf8');
  bytes += text.length;
  for (const s of secrets) {
    const at = text.indexOf(s);
    if (at >= 0) leaks.push(`${f}: ...${text.slice(Math.max(0, at - 80), at)}<SECRET ${s.slice(-4)}>`);
  }
}
// A scan of nothing proves nothing (the run may be one suite: `ctest -R`, so no larger floor).
const problems = [];
if (secrets.size < 1) problems.push('no secret was registered');
if (records.length < 1 || bytes < 1000) problems.push(`only ${records.length} records, ${bytes} bytes`);
console.log(`scanned ${records.length} records (${bytes} bytes) for ${secrets.size} secrets: ${leaks.length} leaks`);
for (const l of leaks) console.log(`LEAK ${l}`);
for (const p of problems) console.log(`NOT ENOUGH MATERIAL: ${p}`);
console.log(`secret_scan: ${leaks.length || problems.length ? 0 : 1} passed, ${leaks.length || problems.length ? 1 : 0} failed`);
process.exit(leaks.length || problems.length ? 1 : 0);
