/**
 * Every form of model URL a hostile tenant might try, with the rule of checkModelUrl that must
 * catch it (the log detail). A test fixture shared by every layer that refuses them: the guard
 * itself, the REST API that saves deployments and the worker that downloads.
 */
export const SSRF_MATRIX: readonly (readonly [url: string, detail: string])[] = [
  ['https://127.0.0.1:3000/x.gguf', 'non-public IPv4 address'],
  ['https://127.0.0.1./x.gguf', 'non-public IPv4 address'],
  ['https://127.255.255.254/x.gguf', 'non-public IPv4 address'],
  ['https://localhost/x.gguf', 'single-label host name'],
  ['https://localhost./x.gguf', 'single-label host name'],
  ['https://LOCALHOST:8080/x.gguf', 'single-label host name'],
  ['https://ⓛocalhost/x.gguf', 'single-label host name'], // IDNA maps it to "localhost"
  ['https://foo.localhost/x.gguf', 'local host name'],
  ['https://169.254.169.254/latest/meta-data/x.gguf', 'non-public IPv4 address'],
  ['https://10.0.0.1/x.gguf', 'non-public IPv4 address'],
  ['https://172.16.5.4/x.gguf', 'non-public IPv4 address'],
  ['https://192.168.1.1/x.gguf', 'non-public IPv4 address'],
  ['https://100.64.0.1/x.gguf', 'non-public IPv4 address'],
  ['https://224.0.0.1/x.gguf', 'non-public IPv4 address'],
  ['https://255.255.255.255/x.gguf', 'non-public IPv4 address'],
  ['https://0.0.0.0/x.gguf', 'non-public IPv4 address'],
  ['https://0/x.gguf', 'non-public IPv4 address'],
  ['https://192.0.2.1/x.gguf', 'non-public IPv4 address'],
  ['https://198.18.0.1/x.gguf', 'non-public IPv4 address'],
  ['https://0x7f000001/x.gguf', 'non-public IPv4 address'], // hex
  ['https://0x7f.0x0.0x0.0x1/x.gguf', 'non-public IPv4 address'], // hex per octet
  ['https://2130706433/x.gguf', 'non-public IPv4 address'], // decimal
  ['https://017700000001/x.gguf', 'non-public IPv4 address'], // octal
  ['https://0177.0.0.1/x.gguf', 'non-public IPv4 address'], // octal octet
  ['https://127.1/x.gguf', 'non-public IPv4 address'], // short form
  ['https://10.1/x.gguf', 'non-public IPv4 address'],
  ['https://%31%32%37.0.0.1/x.gguf', 'non-public IPv4 address'], // percent-encoded
  ['https://１２７.０.０.１/x.gguf', 'non-public IPv4 address'], // full-width digits
  ['https://[::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[::]/x.gguf', 'non-public IPv6 address'],
  ['https://[0:0:0:0:0:0:0:1]:443/x.gguf', 'non-public IPv6 address'],
  ['https://[::ffff:127.0.0.1]/x.gguf', 'non-public IPv6 address'],
  ['https://[::ffff:7f00:1]/x.gguf', 'non-public IPv6 address'],
  ['https://[::ffff:169.254.169.254]/x.gguf', 'non-public IPv6 address'],
  ['https://[::127.0.0.1]/x.gguf', 'non-public IPv6 address'], // IPv4-compatible
  ['https://[64:ff9b::10.0.0.1]/x.gguf', 'non-public IPv6 address'], // NAT64
  ['https://[2002:a9fe:a9fe::1]/x.gguf', 'non-public IPv6 address'], // 6to4
  ['https://[2001::1]/x.gguf', 'non-public IPv6 address'], // Teredo
  ['https://[fd00::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[fe80::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[ff02::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[2001:db8::1]/x.gguf', 'non-public IPv6 address'],
  ['https://[fe80::1%25eth0]/x.gguf', 'not a URL'], // zone ids are not valid in URLs
  ['https://intranet/x.gguf', 'single-label host name'],
  ['https://metadata/x.gguf', 'single-label host name'],
  ['https://printer.local/x.gguf', 'local host name'],
  ['https://db.internal/x.gguf', 'local host name'],
  ['https://metadata.google.internal/x.gguf', 'local host name'],
  ['https://nas.localdomain/x.gguf', 'local host name'],
  ['https://router.home.arpa/x.gguf', 'local host name'],
  ['https://git.corp/x.gguf', 'local host name'],
  ['https://user:pass@example.com/x.gguf', 'user info in the URL'],
  ['https://user@example.com/x.gguf', 'user info in the URL'],
  ['https://:secret@example.com/x.gguf', 'user info in the URL'],
  ['http://example.com/x.gguf', 'scheme http: is not https'],
  ['ftp://example.com/x.gguf', 'scheme ftp: is not https'],
  ['file:///etc/x.gguf', 'scheme file: is not https'],
  ['gopher://example.com/x.gguf', 'scheme gopher: is not https'],
  ['data:application/octet-stream,x.gguf', 'scheme data: is not https'],
  ['//example.com/x.gguf', 'not a URL'],
  ['not a url', 'not a URL'],
  ['https://example.com/x.bin', 'path does not end in .gguf'],
  ['https://example.com/model.bin?name=x.gguf', 'path does not end in .gguf'],
  ['https://example.com/x.gguf/', 'path does not end in .gguf'],
  [`https://example.com/${'a'.repeat(2040)}.gguf`, 'longer than 2048 characters'],
];
