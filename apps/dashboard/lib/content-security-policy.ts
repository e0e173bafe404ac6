/**
 * The dashboard's Content-Security-Policy. Its pages show text that monitored MCP servers wrote (tool names,
 * descriptions, arguments, results), so a slip that let such text in as HTML must still not run script:
 * scripts run only with the nonce the proxy draws for each response (Next.js puts it on every script it
 * writes) and, through 'strict-dynamic', what those scripts load. Inline scripts, event handler attributes
 * and javascript: URLs without it are refused; no eval.
 *
 * Styles: <style> elements need the nonce too (stylesheets come from this server), so injected CSS cannot
 * restyle the page or probe it with selectors. Style attributes stay allowed (`style-src-attr`): the pages
 * write some sixty of them, bar widths and positions computed on the server among them, and an attribute
 * styles only its own element (which it could still stretch over the page: the price of keeping them).
 * `style-src` repeats the element rule for browsers that know neither narrower directive: they drop style
 * attributes rather than allow injected stylesheets.
 *
 * Every byte the browser loads comes from this server: no other host for scripts, styles, fonts, images
 * or requests. Development adds what React's dev tooling needs (eval for server error stacks, the
 * overlay's inline styles); production builds never get it.
 */
export function contentSecurityPolicy(nonce: string, { development = false }: { development?: boolean } = {}): string {
  if (!NONCE.test(nonce)) throw new Error(`not a CSP nonce (base64 of at least 16 bytes expected): ${JSON.stringify(nonce)}`);
  const styleElements = development ? ["'self'", "'unsafe-inline'"] : ["'self'", `'nonce-${nonce}'`];
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    // 'self' counts only in browsers that predate 'strict-dynamic' (the others ignore it). Next.js reads the nonce here.
    ['script-src', "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    ['style-src', ...styleElements],
    ['style-src-elem', ...styleElements],
    ['style-src-attr', "'unsafe-inline'"],
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map((directive) => directive.join(' ')).join('; ');
}

/** A fresh nonce for one response: 128 random bits, base64. */
export function cspNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

const NONCE = /^[A-Za-z0-9+/_-]{22,}={0,2}$/;
