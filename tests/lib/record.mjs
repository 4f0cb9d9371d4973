// Loaded into every node:test suite (node --import): keeps a copy of every HTTP answer the suite's
// own fetch calls receive (status, headers, body), so the last test of the run can scan the whole
// run for secrets. Processes started through stack.mjs record their output beside it.
import { appendFileSync, mkdirSync } from 'node:fs';

export const recordDir = `${process.env.POLYLENS_ARTIFACTS ?? '/tmp/polylens-artifacts'}/record`;
mkdirSync(recordDir, { recursive: true });
const httpLog = `${recordDir}/http-${process.pid}.log`;

const realFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const res = await realFetch(...args);
  const copy = res.clone();
  const headers = [...copy.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  let body = '';
  try {
    body = await copy.text();
  } catch {}
  appendFileSync(httpLog, `${res.status} ${res.url}\n${headers}\n\n${body}\n\n`);
  return res;
};

// A value the run must never show: written down for the final scan.
export function secret(value) {
  appendFileSync(`${recordDir}/secrets-${process.pid}.txt`, `${value}\n`);
  return value;
}
