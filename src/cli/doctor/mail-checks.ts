import { isRemoteMode } from '../../backend-choice.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { type DoctorCheck, SYMPTOMS, pass, problem } from './doctor-check.js';

/** The SMTP account answers and accepts the login (nodemailer's verify: connect, greet, auth). */
export const smtpCheck: DoctorCheck = {
  id: 'smtp',
  async run({ config, timeoutMs }) {
    const url = config.mail.smtpUrl;
    if (url === undefined && isRemoteMode(config))
      return {
        id: 'smtp',
        status: 'skip',
        detail: 'remote backend mode: the backend delivers mail and sign-in codes',
      };
    if (url === undefined)
      return config.env === 'development'
        ? pass('smtp', 'no WORKONWARD_SMTP_URL: mail is kept in the dev mailbox (/dev/mailbox)')
        : problem(
            'smtp',
            'fail',
            'no WORKONWARD_SMTP_URL: sign-in codes and mail cannot leave this machine',
            SYMPTOMS.oauth,
            'set WORKONWARD_SMTP_URL to your mail account, e.g. smtps://user:password@smtp.example.com:465',
          );
    const where = URL.parse(url);
    const shown = where === null ? 'WORKONWARD_SMTP_URL' : `${where.protocol}//${where.host}`;
    const transportOptions: SMTPTransport.Options = {
      url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    };
    // Loaded here, not at the top: `serve` loads every command's module, and a server that sends
    // no mail keeps no nodemailer.
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport(transportOptions);
    try {
      await transport.verify();
      return pass('smtp', `${shown} answers and accepts the login`);
    } catch (error) {
      const reason = [(error as { code?: string }).code, (error as Error).message].filter(Boolean).join(': ');
      return problem(
        'smtp',
        'fail',
        `${shown}: ${reason}`,
        SYMPTOMS.oauth,
        'check the host, port and credentials in WORKONWARD_SMTP_URL; sign-in codes are sent through it',
      );
    } finally {
      transport.close();
    }
  },
};
