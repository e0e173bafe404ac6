import { shownUrl, toStderr } from './operator-notice.js';

/** What the detector API was asked for with PALISADE_INGEST_TOKEN. */
export type TokenUse = 'ingest' | 'quarantine state';

/**
 * `--bus http`: says on stderr, whatever the log settings, that the detector refuses PALISADE_INGEST_TOKEN
 * (401/403). Until it is fixed nothing reaches the detector and no quarantine reaches the collector, which
 * would otherwise go unnoticed: the MCP traffic itself is unaffected. Once per use until an answer succeeds
 * again, and an unknown token (401, refused for every use) once in all. Never prints the token (nor a
 * password in the URL).
 */
export class TokenRefusalNotice {
  private readonly said = new Set<string>();
  private readonly url: string;

  constructor(
    apiUrl: string,
    private readonly write: (line: string) => void = toStderr,
  ) {
    this.url = shownUrl(apiUrl);
  }

  refused(use: TokenUse, status: number): void {
    if (status !== 401 && status !== 403) return;
    const key = status === 401 ? '401' : `403 ${use}`;
    if (this.said.has(key)) return;
    this.said.add(key);
    const what = use === 'ingest' ? 'events wait in the spool' : 'no quarantine reaches this collector';
    const why =
      status === 401
        ? `does not know PALISADE_INGEST_TOKEN (HTTP 401): events wait in the spool and no quarantine reaches this collector`
        : `refuses PALISADE_INGEST_TOKEN the ${use} (HTTP 403; a token of another role?): ${what}`;
    this.write(`the detector at ${this.url} ${why} until it accepts a collector token (palisade-detector token create --name NAME --role collector)`);
  }

  accepted(use: TokenUse): void {
    this.said.delete('401');
    this.said.delete(`403 ${use}`);
  }
}
