/** A Content-Security-Policy header as its directives, each with its sources (`'self'`, `'nonce-…'`, …). */
export function policyDirectives(header: string | undefined): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const directive of (header ?? '').split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** The nonce a directive's sources allow (`'nonce-VALUE'`), if any. */
export function nonceOf(sources: readonly string[] | undefined): string | undefined {
  return sources?.map((source) => /^'nonce-(.+)'$/.exec(source)?.[1]).find((nonce) => nonce !== undefined);
}

/** Every `<script …>` opening tag of a served HTML document that does not carry `nonce`. */
export function scriptTagsWithoutNonce(html: string, nonce: string): string[] {
  return (html.match(/<script\b[^>]*>/gi) ?? []).filter((tag) => !tag.includes(` nonce="${nonce}"`));
}
