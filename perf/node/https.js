// The Node.js side of HttpsComparison: node:https on the port given and a node:tls echo on the next
// one, one process (one loop), with the certificate and key given (PEM). Same routes as http.js.
// GET /handshakes answers how many TLS handshakes the two servers completed, full and resumed:
// the harness reads it to check that its handshake load never resumes a session.
//   node https.js PORT CERT KEY
const fs = require('node:fs');
const https = require('node:https');
const tls = require('node:tls');
const port = Number(process.argv[2] || 8443);
const secure = {
  cert: fs.readFileSync(process.argv[3]),
  key: fs.readFileSync(process.argv[4]),
  minVersion: 'TLSv1.2',
  ALPNProtocols: ['http/1.1'],
};
const hello = Buffer.from('Hello, World!');
const big = Buffer.alloc(64 * 1024, 'x');
const handshakes = { full: 0, resumed: 0 };
function count(socket) { if (socket.isSessionReused()) handshakes.resumed++; else handshakes.full++; }
const server = https.createServer(secure, (req, res) => {
  switch (req.url) {
    case '/plaintext': res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': hello.length }); res.end(hello); break;
    case '/json': {
      const body = JSON.stringify({ message: 'Hello, World!' });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }); res.end(body); break;
    }
    case '/64k': res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': big.length }); res.end(big); break;
    case '/handshakes': {
      const body = JSON.stringify(handshakes);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }); res.end(body); break;
    }
    default: res.writeHead(404); res.end();
  }
});
server.on('secureConnection', count);
const echo = tls.createServer(secure, (socket) => { count(socket); socket.setNoDelay(true); socket.pipe(socket); });
let listening = 0;
function ready() { if (++listening === 2) console.log('READY node ' + port); }
server.listen(port, '127.0.0.1', ready);
echo.listen(port + 1, '127.0.0.1', ready);
