/**
 * Invisible and deceptive characters: Unicode tag characters (decoded), zero-width characters, bidi
 * controls, ANSI escapes, variation-selector smuggling, and other control characters. Benign uses are
 * told apart: RGI subdivision flags (🏴 + tags), ZWJ inside emoji sequences, ZWNJ/ZWJ in scripts that
 * need them, a variation selector after an emoji or CJK character, a leading BOM.
 */

export type InvisibleKind = 'tag_text' | 'non_standard_flag' | 'zero_width' | 'bidi_control' | 'ansi_escape' | 'ansi_concealed' | 'variation_selector_payload' | 'control_character';

export interface InvisibleFinding {
  kind: InvisibleKind;
  count: number;
  /** Hidden text decoded for the analyst (tag characters, variation-selector bytes). */
  decoded?: string;
  /** Short readable description of what was found. */
  description: string;
}

/** RGI subdivision flags: England, Scotland, Wales. */
const RGI_FLAG_TAGS = new Set(['gbeng', 'gbsct', 'gbwls']);

/** ISO 3166-1 alpha-2 codes, to tell a flag-like tag sequence (`usxt`) from hidden words (`ignor`). */
const COUNTRY_CODES = new Set(
  (
    'ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz ' +
    'de dj dk dm do dz ec ee eg eh er es et fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ' +
    'ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz ' +
    'om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ' +
    'ua ug um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw'
  ).split(' '),
);

const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

function isTag(cp: number): boolean {
  return cp >= 0xe0000 && cp <= 0xe007f;
}

function isZeroWidth(cp: number): boolean {
  return cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0x2060 || cp === 0xfeff || cp === 0x180e || (cp >= 0x2061 && cp <= 0x2064) || cp === 0x034f || cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0;
}

function isBidiControl(cp: number): boolean {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f || cp === 0x061c;
}

function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/** Emoji, pictographs and modifiers (a loose test that is enough to accept ZWJ and VS16 around them). */
function isPictographic(cp: number): boolean {
  return (cp >= 0x1f000 && cp <= 0x1faff) || (cp >= 0x2600 && cp <= 0x27bf) || (cp >= 0x2190 && cp <= 0x21ff) || (cp >= 0x2300 && cp <= 0x23ff) || (cp >= 0x2b00 && cp <= 0x2bff) || cp === 0x00a9 || cp === 0x00ae || (cp >= 0x2000 && cp <= 0x206f && cp !== 0x200b && !isBidiControl(cp)) || (cp >= 0x1f1e6 && cp <= 0x1f1ff) || cp === 0x20e3 || (cp >= 0x30 && cp <= 0x39) || cp === 0x23 || cp === 0x2a;
}

/** Scripts that use ZWNJ/ZWJ in ordinary text: Arabic, Persian, Hebrew, Indic, Sinhala, Myanmar, Khmer… */
function isJoiningScript(cp: number): boolean {
  return (cp >= 0x0590 && cp <= 0x08ff) || (cp >= 0x0900 && cp <= 0x0dff) || (cp >= 0x1000 && cp <= 0x109f) || (cp >= 0x1780 && cp <= 0x17ff) || (cp >= 0xfb1d && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff);
}

function isCjk(cp: number): boolean {
  return (cp >= 0x3000 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
}

function isRtlScript(cp: number): boolean {
  return (cp >= 0x0590 && cp <= 0x08ff) || (cp >= 0xfb1d && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff);
}

/** Byte value of a variation selector (VS1–VS16 → 0–15, VS17–VS256 → 16–255), as smuggling encodes them. */
function variationSelectorByte(cp: number): number {
  return cp <= 0xfe0f ? cp - 0xfe00 : cp - 0xe0100 + 16;
}

// eslint-disable-next-line no-control-regex -- ANSI escapes are control characters by definition
const ANSI_ESCAPE = /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

/** SGR 8 (conceal) up to the next reset or reveal: text a terminal does not show. Group 1 is the hidden text. */
// eslint-disable-next-line no-control-regex -- ANSI escapes are control characters by definition
const ANSI_CONCEALED = /\u001b\[(?:[0-9;]*;)?8(?:;[0-9;]*)?m([^\u001b]*)/g;

/** True when the text may hold anything this module looks for (a fast pre-check). */
export function mayHoldInvisibleText(text: string): boolean {
  return /[^\x20-\x7e\n\r\t]/.test(text);
}

/** Finds the invisible and deceptive characters of a text; empty for ordinary text. */
export function findInvisibleText(text: string): InvisibleFinding[] {
  if (!mayHoldInvisibleText(text)) return [];
  const findings: InvisibleFinding[] = [];
  const codepoints = Array.from(text, (c) => c.codePointAt(0) ?? 0);

  // Tag characters: RGI subdivision flags are ordinary; anything else may spell hidden text.
  const runs: { decoded: string; flagLike: boolean }[] = [];
  for (let i = 0; i < codepoints.length; i += 1) {
    if (!isTag(codepoints[i] ?? 0)) continue;
    let j = i;
    let decoded = '';
    while (j < codepoints.length && isTag(codepoints[j] ?? 0)) {
      const cp = codepoints[j] ?? 0;
      if (cp !== CANCEL_TAG) decoded += String.fromCharCode(cp - 0xe0000);
      j += 1;
    }
    let base = i - 1;
    if (base >= 0 && codepoints[base] === 0xfe0f) base -= 1;
    const afterFlag = base >= 0 && codepoints[base] === BLACK_FLAG;
    const terminated = codepoints[j - 1] === CANCEL_TAG;
    const flagLike = afterFlag && terminated && /^[a-z]{2}[a-z0-9]{1,3}$/.test(decoded) && COUNTRY_CODES.has(decoded.slice(0, 2));
    if (!(flagLike && RGI_FLAG_TAGS.has(decoded))) runs.push({ decoded, flagLike });
    i = j - 1;
  }
  // One odd flag (🏴 + "usxt") is only unusual; several, or any run that is no flag, spell hidden text.
  if (runs.length === 1 && runs[0]?.flagLike) {
    findings.push({ kind: 'non_standard_flag', count: 1, description: 'a flag emoji with a non-standard subdivision tag sequence' });
  } else if (runs.length > 0) {
    const chained = runs.every((r) => /^[a-z0-9]{1,6}$/.test(r.decoded));
    const joined = runs.map((r) => r.decoded).join(chained ? '' : ' ');
    findings.push({
      kind: 'tag_text',
      count: runs.reduce((n, r) => n + r.decoded.length, 0),
      decoded: joined,
      description: `hidden Unicode tag characters spelling "${joined.slice(0, 120)}"`,
    });
  }

  // Zero-width, bidi, variation selectors, control characters.
  let zeroWidth = 0;
  let bidi = 0;
  let controls = 0;
  const vsBytes: number[] = [];
  let vsRun = 0;
  let longestVsRun = 0;
  const hasRtl = codepoints.some(isRtlScript);
  for (let i = 0; i < codepoints.length; i += 1) {
    const cp = codepoints[i] ?? 0;
    const prev = codepoints[i - 1] ?? 0;
    const next = codepoints[i + 1] ?? 0;
    if (isVariationSelector(cp)) {
      vsRun += 1;
      longestVsRun = Math.max(longestVsRun, vsRun);
      vsBytes.push(variationSelectorByte(cp));
      continue;
    }
    vsRun = 0;
    if (isZeroWidth(cp)) {
      if (cp === 0xfeff && i === 0) continue;
      if (cp === 0x200d && (isPictographic(prev) || isVariationSelector(prev) || (prev >= 0x1f3fb && prev <= 0x1f3ff)) && isPictographic(next)) continue;
      if ((cp === 0x200c || cp === 0x200d) && (isJoiningScript(prev) || isJoiningScript(next))) continue;
      zeroWidth += 1;
    } else if (isBidiControl(cp)) {
      if ((cp === 0x200e || cp === 0x200f || cp === 0x061c) && hasRtl) continue;
      bidi += 1;
    } else if ((cp < 0x20 && cp !== 0x0a && cp !== 0x0d && cp !== 0x09 && cp !== 0x1b) || (cp >= 0x7f && cp <= 0x9f)) {
      controls += 1;
    }
  }
  if (zeroWidth > 0) findings.push({ kind: 'zero_width', count: zeroWidth, description: `${zeroWidth} zero-width character(s)` });
  if (bidi > 0) findings.push({ kind: 'bidi_control', count: bidi, description: `${bidi} bidirectional control character(s) that can reorder displayed text` });
  if (controls > 0) findings.push({ kind: 'control_character', count: controls, description: `${controls} control character(s)` });

  // Variation selectors: one after an emoji/CJK character is ordinary; runs encode hidden bytes.
  if (longestVsRun >= 3 || vsBytes.length >= 8) {
    const benignSingles = codepoints.every((cp, i) => !isVariationSelector(cp) || ((isPictographic(codepoints[i - 1] ?? 0) || isCjk(codepoints[i - 1] ?? 0)) && !isVariationSelector(codepoints[i + 1] ?? 0)));
    if (!benignSingles) {
      const decoded = Buffer.from(vsBytes).toString('utf8').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '');
      findings.push({ kind: 'variation_selector_payload', count: vsBytes.length, decoded, description: `${vsBytes.length} variation selectors encoding hidden bytes` });
    }
  }

  const ansi = text.match(ANSI_ESCAPE);
  if (ansi) {
    findings.push({ kind: 'ansi_escape', count: ansi.length, description: `${ansi.length} ANSI terminal escape sequence(s)` });
    const concealed = [...text.matchAll(ANSI_CONCEALED)].map((m) => (m[1] ?? '').trim()).filter((t) => /[A-Za-z]{2}/.test(t));
    if (concealed.length > 0) {
      const decoded = concealed.join(' ');
      findings.push({ kind: 'ansi_concealed', count: concealed.length, decoded, description: `text concealed from the terminal (ANSI SGR 8): "${decoded.slice(0, 120)}"` });
    }
  }
  return findings;
}

/**
 * The text a model would "read" once invisible characters are dropped: tag characters, zero-width
 * characters, bidi controls, variation selectors, ANSI escapes and other control characters removed.
 */
export function stripInvisible(text: string): string {
  if (!mayHoldInvisibleText(text)) return text;
  return (
    text
      .replace(ANSI_ESCAPE, '')
      // eslint-disable-next-line no-control-regex, no-misleading-character-class
      .replace(/[\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u180E\u034F\u061C\uFE00-\uFE0F\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu, '')
  );
}
