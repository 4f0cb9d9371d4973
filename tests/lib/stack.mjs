// Starts the real processes the integration and e2e tests talk to: the Jina test double and the
// polylens proxy, each on a free loopback port. Elasticsearch is already running (ctest fixture).
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { recordDir, secret } from './record.mjs';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
export { postJson } from './http.mjs';

export const paths = {
  proxy: must('POLYLENS_PROXY'),
  double: must('POLYLENS_JINA_DOUBLE'),
  assets: must('POLYLENS_ASSETS'),
  webRoot: process.env.POLYLENS_WEB_ROOT ?? '',
};

// The double's default key (tests/jina_double). Every log line and response is scanned for it.
export const TEST_KEY = secret('jina_test_double_key_00000000000000000000000000000000000000000000');
export { secret };

function must(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through ctest`);
  return value;
}

export function esUrl() {
  const file = must('POLYLENS_ES_URL_FILE');
  return readFileSync(file, 'utf8').trim();
}

// A loopback port with nothing listening on it.
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function uniqueIndexName(prefix) {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

// Spawns a command and resolves once a stdout line matches `ready`; collects all output.
function startProcess(command, args, { env = {}, ready }) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  record(child);
  const output = { stdout: [], stderr: [] };
  let buffered = '';
  return new Promise((resolve, reject) => {
    const fail = (why) => reject(new Error(`${command} ${why}\n${output.stderr.join('\n')}`));
    child.on('exit', (code) => fail(`exited with ${code} before it was ready`));
    child.stderr.setEncoding('utf8').on('data', (d) => output.stderr.push(...d.split('\n').filter(Boolean)));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        output.stdout.push(line);
        const m = line.match(ready);
        if (m) {
          child.removeAllListeners('exit');
          resolve({ child, output, url: m[1], stop: () => stopProcess(child) });
        }
      }
    });
  });
}

// Everything a process prints goes to the run's record too, for the final secret scan.
function record(child) {
  const file = createWriteStream(`${recordDir}/process-${process.pid}-${child.pid}.log`);
  child.stdout.on('data', (d) => file.write(d));
  child.stderr.on('data', (d) => file.write(d));
  child.on('exit', () => file.end());
}

export function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

// extraArgs: e.g. ['--tls-cert', cert, '--tls-key', key] for an HTTPS double.
export function startDouble(extraArgs = []) {
  return startProcess(paths.double, ['--assets', paths.assets, '--port', '0', ...extraArgs], {
    ready: /^jina_double listening on (https?:\/\/\S+)/,
  });
}

// Which vector store the suite runs against: ctest registers the API suites twice, once per store.
export const testBackend = process.env.POLYLENS_TEST_BACKEND ?? 'elasticsearch';

// The embedded store's directory for one suite's index name.
export function storeDir(index) {
  return `${tmpdir()}/polylens-test-stores/${index}`;
}

export function proxyEnv({ double, index, es, key = TEST_KEY }) {
  const store = testBackend === 'embedded' && !es
    ? { POLYLENS_BACKEND: 'embedded', POLYLENS_DATA_DIR: storeDir(index) }
    : { ES_URL: es ?? esUrl() };
  return {
    JINA_API_URL: `${double.url}/v1/embeddings`,
    JINA_API_KEY: key,
    ...store,
    POLYLENS_INDEX: index,
    JINA_MAX_RETRIES: '0',
    POLYLENS_RATE_LIMIT_PER_MINUTE: '0', // suites that test the limit turn it on themselves
  };
}

// Embedded stores held by a running proxy of this suite. A store belongs to one process, so a second
// proxy on the same store (a suite comparing configurations) gets a copy of it: the same documents.
const heldStores = new Set();
let storeCopies = 0;

// listen: a fixed address (a test that starts the proxy after the page looked for it there), else any free port.
export async function startProxy({ env, args = [], listen = '127.0.0.1:0' }) {
  const webArgs = paths.webRoot ? ['--web-root', paths.webRoot] : [];
  let dir = env.POLYLENS_DATA_DIR;
  if (dir && heldStores.has(dir)) {
    const copy = `${dir}-copy${++storeCopies}`;
    cpSync(dir, copy, { recursive: true });
    env = { ...env, POLYLENS_DATA_DIR: copy };
    dir = copy;
  }
  const started = await startProcess(paths.proxy, ['serve', '--listen', listen, ...webArgs, ...args], {
    env,
    ready: /^polylens listening on (http:\/\/\S+)/,
  });
  if (!dir) return started;
  heldStores.add(dir);
  started.child.once('exit', () => heldStores.delete(dir));
  return started;
}

// Starts `polylens <args...>`; `exited` resolves with its code, signal and output. onLine sees every
// stderr line as it comes (the progress bar prints one per batch when stderr is not a terminal).
export function spawnPolylens({ env, args, onLine = () => {} }) {
  const child = spawn(paths.proxy, args, { env: { ...process.env, ...env } });
  record(child);
  const output = { stdout: '', stderr: '' };
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (output.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    output.stderr += d;
    const lines = (partial + d).split('\n');
    partial = lines.pop();
    lines.forEach(onLine);
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, ...output })));
  return { child, exited };
}

// Runs `polylens <args...>` to completion; resolves with its exit code and output.
export function runPolylens({ env, args }) {
  return spawnPolylens({ env, args }).exited;
}

export function spawnIndexer({ env, folder = `${paths.assets}/images`, args = [], onLine }) {
  return spawnPolylens({ env, args: ['index', folder, ...args], onLine });
}

// Runs `polylens index <folder>` to completion.
export function runIndexer(options) {
  return spawnIndexer(options).exited;
}

// What most suites stand on: the Jina double, the bundled photos indexed into `index`, and a proxy over
// them. `env` is added to the proxy's environment only; stop() takes it all down and deletes the index.
export async function startIndexedStack({ index, env: extra = {}, args = [] }) {
  const double = await startDouble();
  const env = proxyEnv({ double, index });
  const indexed = await runIndexer({ env });
  if (indexed.code !== 0) {
    await double.stop();
    throw new Error(`polylens index exited with ${indexed.code}:\n${indexed.stderr}`);
  }
  const proxy = await startProxy({ env: { ...env, ...extra }, args });
  const stop = async () => {
    await proxy.stop();
    await double.stop();
    await deleteIndex(index);
  };
  return { double, proxy, env, stop };
}

export async function deleteIndex(index) {
  if (testBackend === 'embedded') {
    const parent = dirname(storeDir(index));
    for (const name of existsSync(parent) ? readdirSync(parent) : [])
      if (name === index || name.startsWith(`${index}-copy`)) rmSync(`${parent}/${name}`, { recursive: true, force: true });
  }
  else await fetch(`${esUrl()}/${index}`, { method: 'DELETE' });
}
