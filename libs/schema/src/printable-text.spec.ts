import { describe, expect, it } from 'vitest';
import { printableText } from './printable-text.js';

describe(printableText.name, () => {
  it('writes escape sequences, carriage returns and line feeds as escapes, so a line cannot rewrite the screen', () => {
    expect(printableText('a.csv\r\u001b[2K\u001b[32mOK\u001b[0m\u001b[8m')).toBe('a.csv\\r\\u001b[2K\\u001b[32mOK\\u001b[0m\\u001b[8m');
    expect(printableText('x\n{"level":50}\ty\u0000\u007f\u009b31m')).toBe('x\\n{"level":50}\\ty\\u0000\\u007f\\u009b31m');
  });

  it('shows bidi controls and invisible characters, so a name looks like what it is', () => {
    expect(printableText('\u202eliame_dnes')).toBe('\\u202eliame_dnes');
    expect(printableText('send_email\u200b')).toBe('send_email\\u200b');
    expect(printableText('a\u2066b\u2069\u061c\u3164')).toBe('a\\u2066b\\u2069\\u061c\\u3164');
    expect(printableText('hi\u{e0041}')).toBe('hi\\u{e0041}');
    expect(printableText('\ud800x')).toBe('\\ud800x');
  });

  it('leaves visible text alone, whatever its script', () => {
    for (const text of ['send_email', 'Größe 5 €', 'sеnd_email', 'שלום', '日本語', '🙂 ok', 'C:\\path\\file']) expect(printableText(text)).toBe(text);
  });
});
