/**
 * The platform ceiling: a bare node:http server that parses a JSON body and answers a JSON body
 * of the given size. Benchmarks measure it the same way, in the same run, as the real server.
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const size = Number(process.env.BODY_BYTES ?? 4000);
const reply = JSON.stringify({ observation: { padding: 'x'.repeat(Math.max(0, size - 60)) }, reward: 0.05, done: false });

createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    try {
      if (body) JSON.parse(body);
    } catch {
      res.writeHead(422).end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) }).end(reply);
  });
}).listen(port, '127.0.0.1');
