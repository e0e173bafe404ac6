import { describe, expect, it } from 'vitest';
import { TokenRefusalNotice } from './token-refusal.notice.js';

/** A notice for `apiUrl` and the lines it wrote. */
function recorded(apiUrl: string): { notice: TokenRefusalNotice; lines: string[] } {
  const lines: string[] = [];
  return { notice: new TokenRefusalNotice(apiUrl, (line) => lines.push(line)), lines };
}

describe(TokenRefusalNotice.name, () => {
  it('says an unknown token once, whichever use met it first, and again only after it was accepted', () => {
    const { notice, lines } = recorded('http://127.0.0.1:4000');
    notice.refused('quarantine state', 401);
    notice.refused('ingest', 401);
    notice.refused('quarantine state', 401);
    expect(lines).toEqual([
      'the detector at http://127.0.0.1:4000 does not know PALISADE_INGEST_TOKEN (HTTP 401): events wait in the spool and no quarantine reaches this collector until it accepts a collector token (palisade-detector token create --name NAME --role collector)',
    ]);
    notice.accepted('ingest');
    notice.refused('ingest', 401);
    expect(lines).toHaveLength(2);
  });

  it('never shows a user or password given in the URL', () => {
    const { notice, lines } = recorded('https://ops:s3cret@detector.example:8443/');
    notice.refused('ingest', 401);
    expect(lines[0]).toContain('the detector at https://detector.example:8443 does not know PALISADE_INGEST_TOKEN');
    expect(lines.join('\n')).not.toContain('s3cret');
  });

  it('says a token refused one use (HTTP 403) once per use, and nothing for other statuses', () => {
    const { notice, lines } = recorded('http://api');
    notice.refused('ingest', 403);
    notice.refused('ingest', 403);
    notice.refused('ingest', 503);
    notice.refused('quarantine state', 404);
    expect(lines).toEqual([expect.stringMatching(/^the detector at http:\/\/api refuses PALISADE_INGEST_TOKEN the ingest \(HTTP 403; a token of another role\?\): events wait in the spool until/)]);
  });
});
