import type { FuzzCase } from './fuzz-client';

/**
 * Requests no HTTP client library would send: broken framing, request lines and headers, written to the socket
 * byte for byte. Node's HTTP parser answers most of them itself (400, 431); none may get a 5xx.
 */
export function rawCases(chatPath: string, key: string, validBody: Buffer): FuzzCase[] {
  const request = (lines: string[], body: Buffer | string = '') => Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body)]);
  const post = (extra: string[], body: Buffer | string = validBody) => request([`POST ${chatPath} HTTP/1.1`, 'Host: 127.0.0.1', `Authorization: Bearer ${key}`, 'Content-Type: application/json', ...extra], body);
  const raw = (name: string, bytes: Buffer, expect?: number, hangUp = false): FuzzCase => ({ name: `raw: ${name}`, method: 'RAW', path: '', headers: {}, raw: bytes, expect, hangUp });
  const chunked = (chunks: string) => post(['Transfer-Encoding: chunked'], chunks);
  const length = validBody.length;
  return [
    raw('not HTTP', Buffer.from('GARBAGE\r\n\r\n'), 400),
    raw('binary noise', Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256)), 400),
    raw('HTTP/0.9 request line', Buffer.from('GET /\r\n\r\n'), 404),
    raw('HTTP/2 preface', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')),
    raw('lower-case method', request([`get ${chatPath} HTTP/1.1`, 'Host: x']), 400),
    raw('unknown method', request([`FROB ${chatPath} HTTP/1.1`, 'Host: x']), 400),
    raw('TRACE', request([`TRACE ${chatPath} HTTP/1.1`, 'Host: x', `Authorization: Bearer ${key}`]), 405),
    raw('CONNECT', request(['CONNECT 127.0.0.1:1 HTTP/1.1', 'Host: 127.0.0.1:1'])),
    raw('spaces in the path', request([`GET ${chatPath} x y HTTP/1.1`, 'Host: x']), 400),
    raw('absolute-form target', request([`GET http://127.0.0.1${chatPath.replace('/v1/chat/completions', '/v1/models')} HTTP/1.1`, 'Host: x', `Authorization: Bearer ${key}`]), 404),
    raw('non-ASCII bytes in the path', Buffer.concat([Buffer.from(`GET ${chatPath.replace('/v1/chat/completions', '/v1/mod')}`), Buffer.from([0xc3, 0xa9, 0xff]), Buffer.from(`els HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n\r\n`)]), 400),
    raw('HTTP/1.0 without Host', request([`POST ${chatPath} HTTP/1.0`, `Authorization: Bearer ${key}`, `Content-Length: ${length}`], validBody), 200),
    raw('content-length not a number', post(['Content-Length: abc']), 400),
    raw('two different content-lengths', post([`Content-Length: ${length}`, `Content-Length: ${length + 1}`]), 400),
    raw('content-length and chunked', post([`Content-Length: ${length}`, 'Transfer-Encoding: chunked'], `${length.toString(16)}\r\n${validBody.toString()}\r\n0\r\n\r\n`), 400),
    raw('chunked, well-formed', chunked(`${length.toString(16)}\r\n${validBody.toString()}\r\n0\r\n\r\n`), 200),
    raw('chunked, bad chunk size', chunked('zz\r\n{}\r\n0\r\n\r\n')),
    raw('chunked, chunk longer than announced', chunked(`2\r\n${validBody.toString()}\r\n0\r\n\r\n`)),
    raw('chunked, huge chunk size', chunked('ffffffffffffffffff\r\n{}\r\n0\r\n\r\n')),
    raw('header without a colon', post([`Content-Length: ${length}`, 'NoColonHere'])),
    raw('space in a header name', post([`Content-Length: ${length}`, 'Bad Name: x']), 400),
    raw('NUL in a header value', post([`Content-Length: ${length}`, 'X-Nul: a\u0000b']), 400),
    raw('obsolete line folding', post([`Content-Length: ${length}`, 'X-Folded: a', ' continued'])),
    raw('headers over 16 KiB', post([`Content-Length: ${length}`, `X-Big: ${'b'.repeat(17 * 1024)}`]), 431),
    raw('expect 100-continue', post([`Content-Length: ${length}`, 'Expect: 100-continue']), 200),
    raw('websocket upgrade', request([`GET ${chatPath.replace('/v1/chat/completions', '/v1/models')} HTTP/1.1`, 'Host: x', 'Connection: Upgrade', 'Upgrade: websocket', `Authorization: Bearer ${key}`])),
    raw('h2c upgrade', request([`GET ${chatPath.replace('/v1/chat/completions', '/v1/models')} HTTP/1.1`, 'Host: x', 'Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA', `Authorization: Bearer ${key}`])),
    raw('two pipelined requests', Buffer.concat([post([`Content-Length: ${length}`]), post([`Content-Length: ${length}`])]), 200),
    raw('body shorter than content-length, then hang-up', post([`Content-Length: ${length + 100}`]), undefined, true),
    raw('headers cut off, then hang-up', Buffer.from(`POST ${chatPath} HTTP/1.1\r\nHost: x\r\nAuthorization: Bea`), undefined, true),
    raw('a request line only, then hang-up', Buffer.from(`GET ${chatPath} HTTP/1.1\r\n`), undefined, true),
  ];
}
