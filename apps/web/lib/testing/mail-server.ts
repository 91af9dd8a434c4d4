import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  /** The raw message: headers and body as the server received them. */
  body: string;
}

/**
 * A real SMTP server on loopback that keeps what it is sent: plain SMTP, no authentication, so the
 * product's mailer is tested against the protocol rather than a mock. `refuse` makes it reject messages.
 */
export async function startTestMailServer() {
  const received: ReceivedMail[] = [];
  // Read by the server on each message, so a test can flip it between sends.
  const behaviour = { refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (behaviour.refuse) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        const from = session.envelope.mailFrom;
        received.push({ from: from ? from.address : undefined, to: session.envelope.rcptTo.map((r) => r.address), body: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(behaviour, {
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
