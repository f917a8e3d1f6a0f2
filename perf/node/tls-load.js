// The TLS loads of HttpsComparison (wrk covers HTTPS keep-alive), on OpenSSL like wrk: one process,
// one loop, CONNECTIONS connections each with one round trip in flight until SECONDS are up. Prints
// one line, as EchoLoad does: RESULT trips=N rate=PER_SECOND p50us=... p99us=...
//   node tls-load.js handshake PORT CONNECTIONS SECONDS CERT PATH
//     each round trip: a new connection, a full handshake, GET PATH with Connection: close, read until
//     the server closes. No session is ever offered for resumption (no `session` option), and a round
//     trip that reports a resumed session fails the run.
//   node tls-load.js echo PORT CONNECTIONS SECONDS CERT SIZE
//     connections handshaken first; each round trip writes SIZE bytes and reads them back.
// The client checks the server's certificate against CERT alone, for the name localhost.
'use strict';
const fs = require('node:fs');
const tls = require('node:tls');
const [mode, port, connections, seconds, cert, arg] = process.argv.slice(2);
// One client context for every connection (a context per connection would parse the CA each time);
// Node's contexts keep no client sessions of their own: a session resumes only if passed as `session`.
const options = {
  host: '127.0.0.1', port: Number(port), servername: 'localhost',
  secureContext: tls.createSecureContext({ ca: fs.readFileSync(cert) }), ALPNProtocols: ['http/1.1'],
};
const samples = new Float64Array(1 << 23);
let trips = 0;
let start = 0n;
let end = 0n;
let running = Number(connections);

function fail(message) { console.error('FAILED ' + message); process.exit(1); }
function record(began) {
  const now = process.hrtime.bigint();
  if (trips < samples.length) samples[trips] = Number(now - began) / 1e3;
  trips++;
  return now;
}
function stopped() {
  if (--running > 0) return;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const sorted = samples.subarray(0, Math.min(trips, samples.length)).sort();
  if (sorted.length === 0) fail('no round trip completed');
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  console.log(`RESULT trips=${trips} rate=${(trips / elapsed).toFixed(1)} p50us=${at(0.5).toFixed(1)} p99us=${at(0.99).toFixed(1)}`);
  process.exit(0);
}

function handshakes(path) {
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  function round() {
    const began = process.hrtime.bigint();
    const chunks = [];
    const socket = tls.connect(options, () => {
      if (socket.isSessionReused()) fail('a session was resumed');
      socket.write(request);
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (e) => fail('handshake load: ' + e.message));
    socket.on('close', () => {
      const response = Buffer.concat(chunks).toString('latin1');
      if (!response.startsWith('HTTP/1.1 200')) fail('not a 200 to ' + path + ': ' + response.slice(0, 200));
      if (record(began) < end) round(); else stopped();
    });
  }
  start = process.hrtime.bigint();
  end = start + BigInt(seconds) * 1000000000n;
  for (let i = 0; i < Number(connections); i++) round();
}

function echo(size) {
  const message = Buffer.alloc(size, 'e');
  const sockets = [];
  let open = 0;
  for (let i = 0; i < Number(connections); i++) {
    const socket = tls.connect(options, () => { if (++open === Number(connections)) go(); });
    socket.setNoDelay(true);
    socket.on('error', (e) => fail('echo load: ' + e.message));
    sockets.push(socket);
  }
  function go() {
    start = process.hrtime.bigint();
    end = start + BigInt(seconds) * 1000000000n;
    for (const socket of sockets) {
      let began = process.hrtime.bigint();
      let pending = size;
      socket.on('data', (chunk) => {
        pending -= chunk.length;
        if (pending < 0) fail('the echo answered more than was sent');
        if (pending > 0) return;
        const now = record(began);
        if (now >= end) { socket.destroy(); stopped(); return; }
        began = now;
        pending = size;
        socket.write(message);
      });
      socket.write(message);
    }
  }
}

switch (mode) {
  case 'handshake': handshakes(arg); break;
  case 'echo': echo(Number(arg)); break;
  default: fail('mode: handshake or echo');
}
