/** The parts of Express's request the API reads (kept minimal: the API never leaks Express types into services). */
export interface ApiRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  method: string;
  originalUrl?: string;
  url: string;
  /** Route parameters (`:server`, `:tool`…), decoded. */
  params?: Record<string, string>;
  query?: unknown;
  socket?: { remoteAddress?: string };
  principal?: import('../auth/principal.js').Principal;
}
