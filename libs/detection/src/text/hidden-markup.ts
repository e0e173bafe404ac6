import { execAll } from './exec-all.js';

/** Text that a person reading the rendered page, document or description does not see. */
export interface HiddenRegion {
  /** How it is hidden (`display:none`, `html comment`, `collapsed details`…). */
  carrier: string;
  /** The hidden text, tags stripped. */
  text: string;
  start: number;
  end: number;
}

const OPEN_TAG = /<([a-z][\w-]{0,30})\b([^<>]{1,600})>/gi;
const COMMENT = /<!--([\s\S]{0,2000}?)-->/g;
const MARKDOWN_COMMENT = /\[(?:\/\/|comment|_)\]:\s*#\s*(?:\(([^()]{1,2000})\)|"([^"]{1,2000})")/gi;
const DETAILS = /<summary\b[^>]{0,200}>[\s\S]{0,300}?<\/summary>([\s\S]{1,2000}?)<\/details>/gi;

/** Style or attribute values that make an element invisible. */
const INVISIBLE_STYLE: { carrier: string; pattern: RegExp }[] = [
  { carrier: 'display:none', pattern: /\bdisplay\s*:\s*none\b/i },
  { carrier: 'visibility:hidden', pattern: /\bvisibility\s*:\s*(?:hidden|collapse)\b/i },
  { carrier: 'zero font size', pattern: /\bfont-size\s*[:=]\s*["']?0(?:\.0+)?(?:px|pt|em|rem|%)?(?![\d.])/i },
  { carrier: 'zero opacity', pattern: /(?:^|[\s;"'])(?:fill-)?opacity\s*[:=]\s*["']?0(?:\.0+)?(?![\d.])/i },
  { carrier: 'positioned off-screen', pattern: /\b(?:left|top|right|text-indent|margin-left|margin-top)\s*:\s*-\d{3,}(?:px|em|rem|pt)?/i },
  { carrier: 'zero size', pattern: /\b(?:max-)?height\s*:\s*0(?:px)?\s*(?:;|["']|$)[^>]*\boverflow\s*:\s*hidden|\boverflow\s*:\s*hidden[^>]*\b(?:max-)?height\s*:\s*0(?:px)?\b/i },
  { carrier: 'hidden attribute', pattern: /(?:^|\s)hidden(?:\s|=|$)/i },
];

const COLOR = /(?:^|[\s;"'])color\s*:\s*([#\w(),. %]+?)\s*(?:;|["']|$)/i;
const BACKGROUND = /\bbackground(?:-color)?\s*:\s*([#\w(),. %]+?)\s*(?:;|["']|$)/i;
const FONT_COLOR = /\bcolor\s*=\s*["']?([#\w]+)/i;

function canonicalColor(value: string): string {
  const v = value.trim().toLowerCase().replace(/\s+/g, '');
  if (v === 'white' || v === '#fff' || v === '#ffffff' || v === 'rgb(255,255,255)') return '#ffffff';
  if (/^#[0-9a-f]{3}$/.test(v)) return `#${[...v.slice(1)].map((c) => c + c).join('')}`;
  return v;
}

/** Text drawn in the colour of its background (or white on the default white page). */
function sameColourAsBackground(attributes: string): boolean {
  const colour = COLOR.exec(attributes)?.[1] ?? FONT_COLOR.exec(attributes)?.[1];
  if (!colour) return false;
  const background = BACKGROUND.exec(attributes)?.[1];
  return canonicalColor(colour) === canonicalColor(background ?? '#ffffff');
}

function stripTags(text: string): string {
  return text.replace(/<[^<>]{0,600}>/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The regions of a text that are invisible once rendered: HTML and Markdown comments, the body of a
 * collapsed `<details>`, and elements hidden by CSS or attributes (display:none, visibility:hidden,
 * zero font size or opacity, off-screen positioning, text coloured like its background, `hidden`).
 * A model reads them all the same; whether they matter depends on what they say.
 */
export function findHiddenRegions(text: string): HiddenRegion[] {
  const regions: HiddenRegion[] = [];
  if (text.includes('<!--')) {
    for (const match of execAll(COMMENT, text)) regions.push({ carrier: 'HTML comment', text: (match[1] ?? '').trim(), start: match.index, end: match.index + match[0].length });
  }
  if (text.includes(']:')) {
    for (const match of execAll(MARKDOWN_COMMENT, text)) regions.push({ carrier: 'Markdown comment', text: (match[1] ?? match[2] ?? '').trim(), start: match.index, end: match.index + match[0].length });
  }
  if (!text.includes('<')) return regions;
  if (/<details\b/i.test(text)) {
    for (const match of execAll(DETAILS, text)) regions.push({ carrier: 'collapsed details', text: stripTags(match[1] ?? ''), start: match.index, end: match.index + match[0].length });
  }
  for (const match of execAll(OPEN_TAG, text)) {
    const attributes = match[2] ?? '';
    const carrier = INVISIBLE_STYLE.find((s) => s.pattern.test(attributes))?.carrier ?? (sameColourAsBackground(attributes) ? 'text coloured like its background' : undefined);
    if (!carrier) continue;
    const tag = (match[1] ?? '').toLowerCase();
    const bodyStart = match.index + match[0].length;
    const close = text.toLowerCase().indexOf(`</${tag}`, bodyStart);
    const bodyEnd = close < 0 ? Math.min(text.length, bodyStart + 2000) : Math.min(close, bodyStart + 2000);
    const inner = stripTags(text.slice(bodyStart, bodyEnd));
    if (inner.length > 0) regions.push({ carrier, text: inner, start: match.index, end: bodyEnd });
  }
  return regions;
}
