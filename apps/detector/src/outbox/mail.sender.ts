import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { DetectorConfig } from '../config/detector-config.js';
import { DETECTOR_CONFIG } from '../infra/injection-tokens.js';
import type { DeliveryResult } from './webhook.sender.js';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends alert e-mail through nodemailer (SMTP_URL); e-mail is off when SMTP_URL is unset. */
@Injectable()
export class MailSender implements OnModuleDestroy {
  private transporter: Transporter | null = null;

  constructor(@Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.mail.smtpUrl);
  }

  async send(message: MailMessage): Promise<DeliveryResult> {
    if (!this.config.mail.smtpUrl) return { kind: 'failure', error: 'e-mail is off (SMTP_URL is not set)' };
    this.transporter ??= nodemailer.createTransport(this.config.mail.smtpUrl);
    try {
      await this.transporter.sendMail({ from: this.config.mail.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      return { kind: 'delivered', status: 250 };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx SMTP replies are permanent; everything else (connection refused, 4xx) is worth retrying.
      if (code !== undefined && code >= 500) return { kind: 'failure', status: code, error: (error as Error).message };
      return { kind: 'retryable', ...(code !== undefined ? { status: code } : {}), error: (error as Error).message };
    }
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}
