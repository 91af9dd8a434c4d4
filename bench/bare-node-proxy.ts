// The floor of any Node proxy on this machine: node:http in, undici dispatch out, nothing else (no auth,
// limits, metering, logs or metrics). The gateway benchmark runs it beside nginx so the gateway's cost can be
// split into "Node itself" and "what the gateway does".
// usage: node --import tsx bench/bare-node-proxy.ts <port> <upstream origin>
import { createServer } from 'node:http';
import { Agent } from 'undici';

const [port = '0', upstream = 'http://127.0.0.1:8080'] = process.argv.slice(2);
const agent = new Agent({ keepAliveTimeout: 30_000 });

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    agent.dispatch(
      { origin: upstream, path: req.url ?? '/', method: 'POST', headers: { ...req.headers, host: undefined, connection: undefined, 'content-length': String(body.length) }, body },
      {
        // undici recognises this handler style by onRequestStart.
        onRequestStart() {},
        onResponseStart(_controller, statusCode, headers) {
          res.writeHead(statusCode, { 'content-type': String(headers['content-type'] ?? ''), ...(headers['content-length'] ? { 'content-length': String(headers['content-length']) } : {}) });
        },
        onResponseData(_controller, chunk) {
          res.write(chunk);
        },
        onResponseEnd() {
          res.end();
        },
        onResponseError() {
          res.destroy();
        },
      },
    );
  });
}).listen(Number(port), '127.0.0.1');
