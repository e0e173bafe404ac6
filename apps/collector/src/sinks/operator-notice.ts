/** What the operator must see even without `--verbose`: one line on stderr (stdout belongs to JSON-RPC). */
export const toStderr = (line: string): void => void process.stderr.write(`palisade-collector: ${line}\n`);

/** The detector API's URL as a notice may show it: without user and password. */
export function shownUrl(apiUrl: string): string {
  try {
    const url = new URL(apiUrl);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/+$/, '');
  } catch {
    return apiUrl;
  }
}
