// Node's cluster IPC, the peer of dev.spindle.perf.cluster.IpcPingPong: a primary and one worker
// pass a 16-byte message back and forth with process.send (one in flight), the same warm-up and
// measured rounds, the same RESULT line.
// Run: node perf/node/ipc.js
'use strict';
const cluster = require('node:cluster');

const WARMUP_MS = 2000;
const ROUND_MS = 2000;
const ROUNDS = 5;
const PAYLOAD = 'x'.repeat(16);

if (cluster.isPrimary) {
  const worker = cluster.fork();
  const rates = [];
  let trips = 0;
  let roundStart = 0n;
  let warm = false;
  let round = 0;
  const startedAt = Date.now();
  worker.on('message', (msg) => {
    trips++;
    const now = process.hrtime.bigint();
    if (!warm) {
      if (Date.now() - startedAt >= WARMUP_MS) {
        warm = true;
        trips = 0;
        roundStart = now;
      }
    } else if (Number(now - roundStart) >= ROUND_MS * 1e6) {
      rates.push(trips * 1e9 / Number(now - roundStart));
      trips = 0;
      roundStart = now;
      if (++round === ROUNDS) {
        const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
        console.log(`RESULT node ipc median=${median.toFixed(1)} unit=trips/s all=${rates.map(r => r.toFixed(1)).join(',')}`);
        worker.kill();
        return;
      }
    }
    worker.send(msg);
  });
  worker.on('online', () => worker.send(PAYLOAD));
} else {
  process.on('message', (msg) => process.send(msg));
}
