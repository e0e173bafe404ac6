const COMMON = `Telemetry and shipping:
  --server NAME            server NAME recorded on every event (required; letters, digits, . _ -)
  --bus sqlite|kafka|http  where events go (default: PALISADE_BUS or sqlite); http POSTs to the detector's
                           /api/ingest with PALISADE_INGEST_TOKEN and polls /api/tools for quarantines
  --home DIR               data folder: sqlite bus, spool, fingerprint key (default: PALISADE_HOME or ./.palisade)
  --topic NAME             telemetry topic (default: PALISADE_TOPIC or mcp.telemetry)
  --api-url URL            detector API for --bus http (default: PALISADE_API_URL or http://127.0.0.1:4000)
  --capture-limit SIZE     bytes kept of each captured part (params, result) before truncation (default 64kb, at most 256kb)
  --parse-limit SIZE       messages larger than this are not parsed: head, size, SHA-256 only (default 4mb)
  --request-timeout TIME   a request unanswered this long is recorded with outcome timeout (default 60s)
  --flush-ms TIME          how often queued events are shipped (default 100)
  --batch-size N           events per bus publish at most (default 500)
  --queue-events N         in-memory queue bound, events (default 20000)
  --queue-bytes SIZE       in-memory queue bound, bytes (default 16mb)
  --spool-max SIZE         disk spool bound (default 256mb)
  --bus-timeout TIME       a publish slower than this goes to the spool (default 2s)
  --quarantine-poll TIME   --bus http: how often quarantine state is read (default 1s)
  --shutdown-grace TIME    how long the server gets to exit before it is terminated (default 5s)

Health:
  --verbose                log to stderr (never stdout)
  --log-file PATH          log to a file
  --stats-interval TIME    how often counters are logged (default 30s)
  -h, --help               this help

Environment: PALISADE_HOME, PALISADE_BUS, KAFKA_BROKERS, PALISADE_TOPIC, PALISADE_API_URL,
PALISADE_INGEST_TOKEN (role collector, for --bus http). Flags win over variables.
TIME: 250, 250ms, 2s, 1m. SIZE: 65536, 64kb, 16mb.`;

export const MAIN_USAGE = `palisade-collector: Palisade's transparent MCP collector

Usage:
  palisade-collector stdio --server NAME [options] -- COMMAND [ARGS...]
  palisade-collector http --server NAME --upstream URL [--listen HOST:PORT] [options]
  palisade-collector --version

Commands:
  stdio   spawn an MCP server and relay its stdio byte for byte, recording the traffic
  http    reverse proxy for a Streamable HTTP (or legacy SSE) MCP server, recording the traffic

Run "palisade-collector COMMAND --help" for the options.
`;

export const STDIO_USAGE = `Usage: palisade-collector stdio --server NAME [options] -- COMMAND [ARGS...]

Spawns COMMAND (with this environment, working directory and arguments) and speaks MCP on stdin/stdout
for it, byte for byte, except where a quarantine is enforced. Stdout carries only the server's JSON-RPC.
Exits with the server's exit status.

${COMMON}
`;

export const HTTP_USAGE = `Usage: palisade-collector http --server NAME --upstream URL [--listen HOST:PORT] [options]

A reverse proxy for Streamable HTTP (POST/GET/DELETE, Mcp-Session-Id) and legacy SSE (GET /sse, then POST
to the endpoint the server announces, e.g. /message?sessionId=) MCP servers. Paths are forwarded unchanged:
point the client at the upstream's path on the collector (--upstream https://host/v1/mcp: the client uses
http://HOST:PORT/v1/mcp). Prints "listening on http://HOST:PORT → UPSTREAM (client URL: …)" on stderr
when ready.

HTTP:
  --upstream URL           the MCP server, e.g. http://127.0.0.1:3001/mcp (required)
  --listen HOST:PORT       where to listen (default 127.0.0.1, port 0 = any free port); PORT alone binds 127.0.0.1

${COMMON}
`;
