// Node's EventEmitter, the peer of Spindle's 'emit' scenario: one emitter, one listener, the same
// warm-up and measured iterations as dev.spindle.perf.actors.ActorBench, the same RESULT line.
// Run: node perf/node/emit.js
'use strict';
const { EventEmitter } = require('node:events');

// BENCH_SCALE, BENCH_WARMUPS and BENCH_MEASURED: as ActorBench's -Dbench.* (the report's quick and smoke modes)
const COUNT = Math.max(1, Math.floor(50_000_000 * Number(process.env.BENCH_SCALE || 1)));
const WARMUPS = Number(process.env.BENCH_WARMUPS || 3);
const MEASURED = Number(process.env.BENCH_MEASURED || 5);

const emitter = new EventEmitter();
let heard = 0;
emitter.on('tick', () => { heard++; });

const rates = [];
for (let i = 0; i < WARMUPS + MEASURED; i++) {
  const start = process.hrtime.bigint();
  for (let n = 0; n < COUNT; n++) {
    emitter.emit('tick', 'tick');
  }
  const nanos = Number(process.hrtime.bigint() - start);
  if (heard % COUNT !== 0) throw new Error('heard ' + heard);
  if (i >= WARMUPS) rates.push(COUNT * 1e9 / nanos);
}
const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
console.log(`RESULT node emit median=${median.toFixed(1)} unit=emit/s all=${rates.map(r => r.toFixed(1)).join(',')} none=-`);
