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

/**
 * An upstream server's URL as stderr and the log may show it: without user and password, and with its
 * query as `?…` (hosted MCP servers often take their API key there, `?api_key=`).
 */
export function shownUpstream(upstream: string): string {
  try {
    const url = new URL(upstream);
    const hidden = url.search ? '?…' : '';
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return `${url.href}${hidden}`;
  } catch {
    return '(not a URL)';
  }
}
