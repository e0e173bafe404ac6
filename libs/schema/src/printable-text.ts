// Text that a monitored server chose (tool names, titles, error messages, file names in a bundle) made
// safe to show where a character can do more than print: a terminal, where an escape sequence or a
// carriage return rewrites what is on screen, and any screen, where a bidi override reverses a name and a
// zero-width character makes two names look the same. No zod and no Node here: the dashboard's client
// components import it too (`@palisade/schema/printable-text`).

/**
 * Characters that print as nothing, or reorder the text around them: zero-width characters and fillers,
 * bidi marks, embeddings, overrides and isolates, line and paragraph separators, variation selectors and
 * Unicode tag characters (which spell hidden ASCII).
 */
export function isHiddenCodePoint(cp: number): boolean {
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x061c ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    cp === 0x180e ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2069) ||
    cp === 0x3164 ||
    cp === 0xfeff ||
    cp === 0xffa0 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0000 && cp <= 0xe007f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

/** C0 controls (tab, line feed, carriage return and escape among them), DEL and the C1 controls. */
export function isControlCodePoint(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

const SHORT_ESCAPES: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

function escaped(cp: number): string {
  return SHORT_ESCAPES[cp] ?? (cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`);
}

/**
 * The text as one line for a terminal or a log: control and hidden characters (and lone surrogates) are
 * written as escapes, `\u001b`, `\r`, `\u202e`, so what is shown is what the text holds.
 */
export function printableText(text: string): string {
  let out = '';
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    out += isControlCodePoint(cp) || isHiddenCodePoint(cp) || (cp >= 0xd800 && cp <= 0xdfff) ? escaped(cp) : char;
  }
  return out;
}
