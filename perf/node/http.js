// The Node.js side of HttpComparison: node:http on the port given, one process (one loop).
// The CPU route computes inline: Node's loop has no worker pool for JS work without worker_threads.
const http = require('node:http');
const port = Number(process.argv[2] || 8080);
const hello = Buffer.from('Hello, World!');
const big = Buffer.alloc(64 * 1024, 'x');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
http.createServer((req, res) => {
  switch (req.url) {
    case '/plaintext': res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': hello.length }); res.end(hello); break;
    case '/json': {
      const body = JSON.stringify({ message: 'Hello, World!' });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }); res.end(body); break;
    }
    case '/64k': res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': big.length }); res.end(big); break;
    case '/cpu': { const body = String(fib(22)); res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length }); res.end(body); break; }
    default: res.writeHead(404); res.end();
  }
}).listen(port, '127.0.0.1', () => console.log('READY node ' + port));
