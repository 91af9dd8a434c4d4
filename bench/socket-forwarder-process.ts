// The worker's TCP-to-Unix-socket hop on its own, for the gateway benchmark's sealed paths: the runtime's
// SocketForwarder serving one port, in a process of its own as the worker runs it (the benchmark bundles this
// file the way the worker is bundled).
// usage: node socket-forwarder-process.js <port> <socket path>
// The module itself rather than @gguf/runtime's index: it needs Node's built-ins only, so its bundle runs from
// the benchmark's temporary directory without node_modules.
import { SocketForwarder } from '../packages/runtime/src/socket-forwarder';

const [port = '0', socketPath = ''] = process.argv.slice(2);
const forwarder = new SocketForwarder('127.0.0.1');
await forwarder.open(Number(port), socketPath);
process.once('SIGTERM', () => void forwarder.closeAll().then(() => process.exit(0)));
