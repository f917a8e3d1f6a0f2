// Node's worker_threads, the peer of Spindle's 'offload' scenario: the main thread hands a tiny
// computation (the next number) to a worker thread and waits for its answer as a message, COUNT
// times in a row; the worker is started once (as a pool would keep it), the same warm-up and
// measured iterations as dev.spindle.perf.actors.ActorBench, the same RESULT line.
// BENCH_SCALE, BENCH_WARMUPS and BENCH_MEASURED: as ActorBench's -Dbench.* (the report's modes).
// Run: node perf/node/offload.js
'use strict';
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

if (!isMainThread) {
  parentPort.on('message', n => parentPort.postMessage(n + 1));
} else {
  const COUNT = Math.max(1, Math.floor(100_000 * Number(process.env.BENCH_SCALE || 1)));
  const WARMUPS = Number(process.env.BENCH_WARMUPS || 3);
  const MEASURED = Number(process.env.BENCH_MEASURED || 5);
  const worker = new Worker(__filename);
  const rates = [];

  function iteration(i) {
    if (i === WARMUPS + MEASURED) {
      worker.terminate();
      const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
      console.log(`RESULT node offload median=${median.toFixed(1)} unit=rt/s all=${rates.map(r => r.toFixed(1)).join(',')} none=-`);
      return;
    }
    const start = process.hrtime.bigint();
    const onAnswer = n => {
      if (n < COUNT) {
        worker.postMessage(n);
        return;
      }
      worker.off('message', onAnswer);
      const nanos = Number(process.hrtime.bigint() - start);
      if (i >= WARMUPS) rates.push(COUNT * 1e9 / nanos);
      iteration(i + 1);
    };
    worker.on('message', onAnswer);
    worker.postMessage(0);
  }
  iteration(0);
}
