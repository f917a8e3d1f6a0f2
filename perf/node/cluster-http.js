// The Node.js side of ClusterComparison: node:cluster, a primary and N workers (argv[3], default 2)
// serving /plaintext on one port (argv[2]). NODE_CLUSTER_SCHED_POLICY=rr (Node's default on Linux:
// the primary accepts and hands each connection to a worker in turn) or =none (the workers share
// the listening socket and the OS decides). "stats" on stdin prints each worker's open connections.
const cluster = require('node:cluster');
const http = require('node:http');
const port = Number(process.argv[2] || 8080);
const workers = Number(process.argv[3] || 2);
const hello = Buffer.from('Hello, World!');

if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('listening', () => { if (++listening === workers) console.log('READY node-cluster ' + port); });
  let answers = [];
  cluster.on('message', (worker, msg) => {
    answers.push(worker.id + '=' + msg.open);
    if (answers.length === workers) { console.log('STATS ' + answers.sort().join(' ')); answers = []; }
  });
  process.stdin.on('data', (data) => {
    if (data.toString().includes('stats')) for (const id in cluster.workers) cluster.workers[id].send('stats');
  });
} else {
  let open = 0;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': hello.length }); res.end(hello);
  });
  server.on('connection', (socket) => { open++; socket.on('close', () => open--); });
  process.on('message', () => process.send({ open }));
  server.listen(port, '127.0.0.1');
}
