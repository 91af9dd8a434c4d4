import type { InvitationEmail } from '@gguf/api';
import nodemailer from 'nodemailer';

/** Sends the product's few emails (invitations). */
export interface Mailer {
  send(message: InvitationEmail): Promise<void>;
}

/** A mailer for SMTP_URL, or none when it is unset (the dashboard then shows links to copy). */
export function createMailer(env: { SMTP_URL?: string; MAIL_FROM: string }): Mailer | undefined {
  if (!env.SMTP_URL) return undefined;
  // Bounded waits: an inviter is looking at a spinner while this runs.
  const transport = nodemailer.createTransport({ url: env.SMTP_URL, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    async send(message) {
      await transport.sendMail({ from: env.MAIL_FROM, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
