// Opens N keep-alive connections to a server, sends one small GET on each, and holds them open, so
// bench/proxy_overhead.sh can read the server's memory with N clients attached.
//   node bench/hold_connections.mjs <base-url> <n> <path> <max-seconds>
// Prints one JSON line when every connection is up (or failed), then one per second:
//   {"connected","answered","open","failed","refused"}
// Exits on SIGTERM or after max-seconds, whichever comes first.
import { connect } from 'node:net';

const [base, nText = '500', path = '/', maxText = '120'] = process.argv.slice(2);
if (!base) {
  console.error('usage: node hold_connections.mjs <base-url> <n> <path> <max-seconds>');
  process.exit(2);
}
const url = new URL(base);
const n = Number(nText);
const maxSeconds = Number(maxText);
const counts = { connected: 0, answered: 0, open: 0, failed: 0, refused: 0 };
const sockets = [];

function openOne() {
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let answered = false;
    let connected = false;
    let settled = false;
    const settle = () => settled || ((settled = true), resolve());
    socket.setNoDelay(true);
    socket.on('connect', () => {
      connected = true;
      counts.connected++;
      counts.open++;
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`);
      settle();
    });
    socket.on('data', (d) => {
      if (!answered && d.toString('latin1', 0, 9) === 'HTTP/1.1 ') {
        answered = true;
        counts.answered++;
      }
    });
    socket.on('error', (e) => {
      if (e.code === 'ECONNREFUSED') counts.refused++;
      else counts.failed++;
      settle();
    });
    socket.on('close', () => {
      if (connected) counts.open--;
      settle();
    });
    sockets.push(socket);
  });
}

// Connect in batches of 50, so the server's accept queue is not the thing being measured.
for (let i = 0; i < n; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, n - i) }, openOne));
}
const report = () => process.stdout.write(JSON.stringify(counts) + '\n');
report();
const ticker = setInterval(report, 1000);

function finish() {
  clearInterval(ticker);
  for (const s of sockets) s.destroy();
  process.exit(0);
}
setTimeout(finish, maxSeconds * 1000);
process.on('SIGTERM', finish);
