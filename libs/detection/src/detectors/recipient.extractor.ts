import type { TextLeaf } from '../engine/event-view.js';
import { argumentKind, isRecipientKey } from './argument-kinds.js';
import { execAll } from '../text/exec-all.js';

/** A recipient-like value of an argument, normalised, with its domain when it has one. */
export interface RecipientValue {
  /** Argument key (`to`, `cc`, `channel`). */
  key: string;
  field: string;
  /** Normalised value: lower-cased address, digits of a phone, host of a URL, channel name. */
  value: string;
  /** `email`, `phone`, `url`, `channel`, `other`. */
  form: 'email' | 'phone' | 'url' | 'channel' | 'other';
  /** Registrable domain of an address or URL (`example.co.uk`): what the baseline learns. */
  domain?: string;
  /** Its full host (`mail.example.co.uk`): what a sub-domain on the allow-list is matched against. */
  host?: string;
}

/** A domain an argument names (URL or host arguments), for new_egress_domain. */
export interface EgressDomain {
  field: string;
  host: string;
  domain: string;
}

const EMAIL = /^[^\s@<>"']+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/;
const EMAILS = /(?<![^\s@<>"',;])[^\s@<>"',;]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g;
const URL_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[^\]]+\]|[^:/?#\s]+)/i;
const HOSTNAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'ac', 'edu', 'ne', 'or', 'go', 'gob', 'mil', 'nic', 'ltd', 'plc']);

const DOMAIN_CACHE = new Map<string, string>();

/** The registrable part of a host (`mail.example.co.uk` → `example.co.uk`), IPs and single labels as they are. */
export function registrableDomain(host: string): string {
  const cached = DOMAIN_CACHE.get(host);
  if (cached !== undefined) return cached;
  if (DOMAIN_CACHE.size >= 10_000) DOMAIN_CACHE.clear();
  const domain = computeRegistrableDomain(host);
  DOMAIN_CACHE.set(host, domain);
  return domain;
}

function computeRegistrableDomain(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(h) || h.includes(':') || !h.includes('.')) return h;
  const labels = h.split('.');
  const tld = labels[labels.length - 1] ?? '';
  const second = labels[labels.length - 2] ?? '';
  const take = tld.length === 2 && SECOND_LEVEL.has(second) && labels.length >= 3 ? 3 : 2;
  return labels.slice(-take).join('.');
}

function hostOf(value: string): string | null {
  const url = URL_HOST.exec(value.trim());
  if (url?.[1]) return asciiHost(url[1].toLowerCase());
  return null;
}

/**
 * An internationalised host in its ASCII form (`bücher.example` → `xn--bcher-kva.example`), as DNS and
 * the dashboard's allow-list know it: the two spellings of one domain are one domain to the baselines.
 */
function asciiHost(host: string): string {
  if (!/[^\u0020-\u007e]/.test(host)) return host;
  try {
    return new URL(`http://${host}/`).hostname || host;
  } catch {
    return host;
  }
}

function parseRecipient(key: string, field: string, raw: string): RecipientValue | null {
  const text = raw.trim();
  if (!text) return null;
  const email = EMAIL.exec(text);
  if (email?.[1]) {
    const host = email[1].toLowerCase();
    return { key, field, value: text.toLowerCase(), form: 'email', domain: registrableDomain(host), host };
  }
  const host = hostOf(text);
  if (host) return { key, field, value: host, form: 'url', domain: registrableDomain(host), host };
  const digits = text.replace(/[\s().-]/g, '');
  if (/^\+?\d{7,15}$/.test(digits)) return { key, field, value: digits, form: 'phone' };
  if (/^[#@]?[\w.-]{1,80}$/.test(text)) return { key, field, value: text.toLowerCase(), form: /^#|^[CG][A-Z0-9]{8,}$/.test(text) || /channel/i.test(key) ? 'channel' : 'other' };
  return null;
}

/**
 * An allow-listed recipient as the value it must equal, normalised as the same text in an argument is:
 * `+1 (555) 010-0100` → `+15550100100`, `Boss <Boss@Partner.example>` → `boss@partner.example`, a webhook
 * URL → its host (recipients are compared by host, as the baseline learns them).
 */
export function normaliseAllowedRecipient(entry: string): string {
  const emails = execAll(EMAILS, entry).map((m) => m[0]);
  return parseRecipient('', '', emails.length === 1 ? emails[0]! : entry)?.value ?? entry.trim().toLowerCase();
}

/** An allow-listed domain as a host to match by suffix: `*.example.com`, `https://example.com/x`, `@example.com` → `example.com`. */
export function normaliseAllowedDomain(entry: string): string {
  const text = entry.trim().toLowerCase();
  const host = hostOf(text) ?? asciiHost(text.slice(text.lastIndexOf('@') + 1));
  return host.replace(/^\*?\./, '').replace(/\.$/, '');
}

/** Recipient-like values of a call's arguments (to, cc, bcc, recipients, email, phone, channel, webhook…). */
export function extractRecipients(leaves: readonly TextLeaf[]): RecipientValue[] {
  const values: RecipientValue[] = [];
  for (const leaf of leaves) {
    if (!isRecipientKey(leaf.key) || leaf.value.length > 2000) continue;
    for (const part of leaf.value.split(/[,;\n]/)) {
      const emails = execAll(EMAILS, part).map((m) => m[0]);
      const parsed = emails.length > 0 ? emails.map((email) => parseRecipient(leaf.key, leaf.field, email)) : [parseRecipient(leaf.key, leaf.field, part)];
      for (const recipient of parsed) if (recipient) values.push(recipient);
      if (values.length >= 50) return values;
    }
  }
  return values;
}

/** Domains named by URL and host arguments (not prose, not recipients). */
export function extractEgressDomains(leaves: readonly TextLeaf[]): EgressDomain[] {
  const domains: EgressDomain[] = [];
  for (const leaf of leaves) {
    if (isRecipientKey(leaf.key) || leaf.value.length > 4000) continue;
    const kind = argumentKind(leaf.key);
    if (kind === 'prose' || kind === 'command') continue;
    const value = leaf.value.trim();
    let host = hostOf(value);
    if (!host && kind === 'url' && HOSTNAME.test(value)) host = value.toLowerCase();
    if (!host || host === 'localhost' || host.endsWith('.localhost')) continue;
    domains.push({ field: leaf.field, host, domain: registrableDomain(host) });
    if (domains.length >= 20) break;
  }
  return domains;
}
