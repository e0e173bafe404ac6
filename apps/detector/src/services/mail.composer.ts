import { Inject, Injectable } from '@nestjs/common';
import { redactSecretsSync } from '@palisade/detection';
import { type Alert, type Incident, printableText } from '@palisade/schema';
import type { DetectorConfig } from '../config/detector-config.js';
import { DETECTOR_CONFIG } from '../infra/injection-tokens.js';
import type { MailMessage } from '../outbox/mail.sender.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The scheme and host of a URL in text (what mail clients turn into a link). */
const URL_HOST = /\bhttps?:\/\/[^\s/?#"'<>\\]+/gi;

/**
 * URLs a monitored server wrote, made unclickable the way threat reports write them (`hxxps://evil[.]example`):
 * mail clients link any URL in a message, and one named in a poisoned description or a forged title would
 * be a link in Palisade's own alert, beside the real one.
 */
export function defang(text: string): string {
  return text.replace(URL_HOST, (url) => url.replace(/^http/i, 'hxxp').replaceAll('.', '[.]'));
}

/**
 * A text a monitored server chose (a tool name, a title that quotes one, an excerpt), kept on its line: a
 * line break, an escape sequence or a bidi override in it is written as an escape (`\n`, `\u202e`), so it
 * cannot add lines of its own to the e-mail (a forged "Triage it" link) or make a name read as another;
 * URLs in it are defanged.
 */
const shown = (text: string): string => defang(printableText(text));

/**
 * Readable alert e-mail: what happened, which tool, the evidence, a link to the dashboard. Everything
 * goes through the secret scanner once more before it is sent, so a raw secret never leaves by e-mail.
 */
@Injectable()
export class MailComposer {
  constructor(@Inject(DETECTOR_CONFIG) private readonly config: DetectorConfig) {}

  incident(incident: Incident, alerts: readonly Alert[]): MailMessage {
    const link = `${this.config.dashboardUrl}/incidents/${encodeURIComponent(incident.id)}`;
    const where = incident.tool ? `tool "${shown(incident.tool)}" on server "${shown(incident.server)}"` : `server "${shown(incident.server)}"`;
    const title = shown(incident.title);
    const lines = [
      `Palisade opened a ${incident.severity.toUpperCase()} incident: ${title}`,
      '',
      `Where:      ${where}${incident.sessionId ? ` (session ${shown(incident.sessionId)})` : ''}`,
      `Categories: ${incident.categories.join(', ')}`,
      `First seen: ${incident.firstSeen}`,
      '',
      'Evidence:',
      ...alerts.slice(0, 5).flatMap((alert) => [
        `- [${alert.severity}] ${shown(alert.title)}`,
        `  ${shown(alert.evidence.summary)}`,
        ...alert.evidence.matches.slice(0, 3).map((m) => `  · ${shown(m.signal)} in ${shown(m.field)}: "${shown(m.text.slice(0, 200))}"${m.decoded ? ` (decoded: "${shown(m.decoded.slice(0, 200))}")` : ''}`),
        ...(alert.evidence.fingerprints?.length ? [`  · secret fingerprints: ${alert.evidence.fingerprints.join(', ')}`] : []),
      ]),
      ...(alerts.length > 5 ? [`… and ${alerts.length - 5} more alert(s)`] : []),
      '',
      `Triage it in the dashboard: ${link}`,
    ];
    const text = this.scrub(lines.join('\n'));
    const html = `<div style="font-family:system-ui,sans-serif;max-width:680px"><h2 style="margin:0 0 8px">${escapeHtml(incident.severity.toUpperCase())} · ${escapeHtml(this.scrub(title))}</h2><pre style="white-space:pre-wrap;font:13px ui-monospace,monospace;background:#f6f7f9;padding:12px;border-radius:6px">${escapeHtml(text)}</pre><p><a href="${escapeHtml(link)}">Open the incident in Palisade</a></p></div>`;
    return { to: this.config.mail.to, subject: this.scrub(`[Palisade ${incident.severity}] ${title}`), text, html };
  }

  /**
   * The daily digest: incidents active in the last 24 hours (`since` on), those opened in that window
   * apart from older ones that saw new alerts, most severe first.
   */
  digest(day: string, incidents: readonly Incident[], counts: Record<string, number>, since: string): MailMessage {
    const opened = incidents.filter((i) => i.createdAt >= since);
    const ongoing = incidents.filter((i) => i.createdAt < since);
    const item = (i: Incident) => `- [${i.severity}] ${shown(i.title)} — ${shown(i.tool ? `${i.server}/${i.tool}` : i.server)} — ${this.config.dashboardUrl}/incidents/${encodeURIComponent(i.id)}`;
    const section = (heading: string, list: readonly Incident[]) => (list.length ? ['', heading, ...list.slice(0, 50).map(item), ...(list.length > 50 ? [`… and ${list.length - 50} more`] : [])] : []);
    const lines = [
      `Palisade daily digest for ${day}`,
      '',
      `Open: ${counts.open ?? 0} · Triaging: ${counts.triaging ?? 0} · Contained: ${counts.contained ?? 0} · Resolved: ${counts.resolved ?? 0} · False positives: ${counts.false_positive ?? 0}`,
      ...(incidents.length ? [] : ['', 'No incident was active in the last 24 hours.']),
      ...section('New incidents in the last 24 hours:', opened),
      ...section('Older incidents with new alerts in the last 24 hours:', ongoing),
    ];
    const text = this.scrub(lines.join('\n'));
    return { to: this.config.mail.to, subject: `[Palisade] Daily digest ${day}: ${opened.length} new incident(s), ${ongoing.length} older one(s) active`, text, html: `<pre style="font:13px ui-monospace,monospace;white-space:pre-wrap">${escapeHtml(text)}</pre>` };
  }

  private scrub(text: string): string {
    return redactSecretsSync(text, { key: 'palisade-mail', where: 'response' }).value as string;
  }
}
