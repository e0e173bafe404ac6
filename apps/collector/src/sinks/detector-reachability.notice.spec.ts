import { describe, expect, it } from 'vitest';
import { answerReason, DetectorReachabilityNotice, whyUnanswered } from './detector-reachability.notice.js';

/** A notice for `apiUrl`, the lines it wrote, and the clock and backlog it reads. */
function recorded(apiUrl: string) {
  const lines: string[] = [];
  const state = { now: 0, backlog: false };
  const notice = new DetectorReachabilityNotice(apiUrl, '/home/spool/C1', () => state.backlog, (line) => lines.push(line), () => state.now);
  return { notice, lines, state };
}

/** What Node's fetch throws for a connection it could not make. */
const fetchFailed = (message: string, code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

describe(DetectorReachabilityNotice.name, () => {
  it('says an unreachable detector once, and its recovery once the spool is delivered', () => {
    const { notice, lines, state } = recorded('http://127.0.0.1:4000');
    notice.failed('POST /api/ingest', fetchFailed('connect ECONNREFUSED 127.0.0.1:4000', 'ECONNREFUSED'));
    notice.failed('GET /api/tools', fetchFailed('connect ECONNREFUSED 127.0.0.1:4000', 'ECONNREFUSED'));
    expect(lines).toEqual([
      'cannot reach the detector at http://127.0.0.1:4000 (POST /api/ingest: connect ECONNREFUSED 127.0.0.1:4000): events are kept in the spool (/home/spool/C1) and sent once it answers; no quarantine state reaches this collector until then (check PALISADE_API_URL and that the detector runs)',
    ]);
    state.backlog = true;
    notice.answered('GET /api/tools', 200);
    notice.replayed(3, false);
    notice.replayed(2, true);
    expect(lines.slice(1)).toEqual(['the detector at http://127.0.0.1:4000 answers again: delivered 5 spooled events']);
    notice.replayed(4, true);
    expect(lines).toHaveLength(2);
  });

  it('says a recovery with nothing spooled as soon as the detector answers', () => {
    const { notice, lines } = recorded('http://api');
    notice.failed('GET /api/tools', fetchFailed('getaddrinfo ENOTFOUND api', 'ENOTFOUND'));
    notice.answered('GET /api/tools', 401);
    expect(lines).toEqual([expect.stringContaining('(GET /api/tools: getaddrinfo ENOTFOUND api)'), 'the detector at http://api answers again: delivered 0 spooled events']);
  });

  it('says timeouts only once nothing has answered for 10 s, and a 404 as no detector there', () => {
    const { notice, lines, state } = recorded('http://api');
    notice.failed('POST /api/ingest', timeout());
    state.now = 9_000;
    notice.failed('POST /api/ingest', timeout());
    notice.answered('GET /api/tools', 200);
    state.now = 15_000;
    notice.failed('POST /api/ingest', timeout());
    expect(lines).toEqual([]);
    state.now = 25_000;
    notice.failed('POST /api/ingest', timeout());
    expect(lines).toEqual([expect.stringContaining('(POST /api/ingest: no answer for 10 s)')]);

    const other = recorded('http://127.0.0.1:3000');
    other.notice.answered('POST /api/ingest', 404);
    expect(other.lines).toEqual([expect.stringContaining('(POST /api/ingest: HTTP 404, no Palisade detector API there)')]);
  });

  it('says 5xx answers once they have gone on for 10 s, with the reason given, and the recovery once the spool is delivered', () => {
    const { notice, lines, state } = recorded('http://api');
    const unavailable = '{"error":{"code":"unavailable","message":"store unavailable"}}';
    notice.answered('POST /api/ingest', 503, unavailable);
    state.backlog = true;
    state.now = 9_000;
    notice.answered('POST /api/ingest', 503, unavailable);
    // The quarantine poll answering meanwhile does not make the ingest answers any better.
    notice.answered('GET /api/tools', 200);
    expect(lines).toEqual([]);
    state.now = 12_400;
    notice.answered('POST /api/ingest', 503, unavailable);
    state.now = 30_000;
    notice.answered('POST /api/ingest', 502, '');
    notice.failed('POST /api/ingest', fetchFailed('connect ECONNREFUSED 10.0.0.1:4000', 'ECONNREFUSED'));
    expect(lines).toEqual([
      "the detector at http://api answers HTTP 503 (POST /api/ingest for 12 s: store unavailable): events are kept in the spool (/home/spool/C1) and sent once it accepts them (check the detector's log)",
    ]);
    notice.answered('POST /api/ingest', 200);
    notice.replayed(4, true);
    expect(lines.slice(1)).toEqual(['the detector at http://api answers again: delivered 4 spooled events']);
  });

  it('stays quiet for a 5xx blip, and counts the 10 s again after any other answer', () => {
    const { notice, lines, state } = recorded('http://api');
    notice.answered('POST /api/ingest', 503, 'restarting');
    state.now = 1_000;
    notice.answered('POST /api/ingest', 200);
    state.now = 11_000;
    notice.answered('POST /api/ingest', 503, 'restarting');
    state.now = 20_000;
    notice.answered('POST /api/ingest', 500, 'restarting');
    expect(lines).toEqual([]);
    state.now = 21_000;
    notice.answered('POST /api/ingest', 500, 'restarting');
    expect(lines).toEqual([expect.stringContaining('answers HTTP 500 (POST /api/ingest for 10 s: restarting)')]);
  });

  it('says what waits for the requests answered 5xx, and the recovery only once none is', () => {
    const { notice, lines, state } = recorded('http://api');
    notice.answered('GET /api/tools', 500);
    state.now = 10_000;
    notice.answered('POST /api/ingest', 200);
    notice.answered('GET /api/tools', 500, '<html><body>Internal Server Error</body></html>');
    expect(lines).toEqual([
      "the detector at http://api answers HTTP 500 (GET /api/tools for 10 s): no quarantine state reaches this collector until it answers (check the detector's log)",
    ]);
    notice.answered('POST /api/ingest', 503);
    state.now = 20_000;
    notice.answered('GET /api/tools', 503);
    notice.answered('POST /api/ingest', 200);
    expect(lines).toHaveLength(1);
    notice.answered('GET /api/tools', 200);
    expect(lines.slice(1)).toEqual(['the detector at http://api answers again: delivered 0 spooled events']);

    // Both failing: both consequences, in one line.
    state.now = 30_000;
    notice.answered('POST /api/ingest', 503);
    notice.answered('GET /api/tools', 503);
    state.now = 40_000;
    notice.answered('POST /api/ingest', 503);
    notice.answered('GET /api/tools', 503);
    expect(lines.slice(2)).toEqual([
      "the detector at http://api answers HTTP 503 (POST /api/ingest for 10 s): events are kept in the spool (/home/spool/C1) and sent once it accepts them; no quarantine state reaches this collector until it answers (check the detector's log)",
    ]);
  });

  it('says 5xx answers that follow an unreachable detector: it answers now, but not well', () => {
    const { notice, lines, state } = recorded('http://api');
    state.backlog = true;
    notice.failed('POST /api/ingest', fetchFailed('connect ECONNREFUSED 10.0.0.1:4000', 'ECONNREFUSED'));
    state.now = 5_000;
    notice.answered('POST /api/ingest', 503);
    state.now = 15_000;
    notice.answered('POST /api/ingest', 503);
    notice.answered('POST /api/ingest', 503);
    expect(lines).toEqual([expect.stringContaining('cannot reach the detector'), expect.stringContaining('answers HTTP 503 (POST /api/ingest for 10 s)')]);
  });

  it('never shows a user or password given in the URL', () => {
    const { notice, lines } = recorded('https://ops:s3cret@detector.example:8443/');
    notice.failed('GET /api/tools', fetchFailed('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'));
    expect(lines[0]).toContain('cannot reach the detector at https://detector.example:8443 (GET /api/tools: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT))');
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});

describe(whyUnanswered.name, () => {
  it('names the first failed address of several', () => {
    const cause = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:4000'), { code: 'ECONNREFUSED' })], ''), { code: 'ECONNREFUSED' });
    expect(whyUnanswered(new TypeError('fetch failed', { cause }))).toBe('connect ECONNREFUSED ::1:4000');
  });
});

describe(answerReason.name, () => {
  it("takes the detector's error message, or a plain body's first line", () => {
    expect(answerReason('{"error":{"code":"unavailable","message":"store unavailable"}}')).toBe('store unavailable');
    expect(answerReason('{"message":"bus down"}')).toBe('bus down');
    expect(answerReason('upstream connect error\nreset reason: overflow')).toBe('upstream connect error');
  });

  it('says nothing for an HTML page, a JSON body without a message, or an empty body', () => {
    expect(answerReason('<html><head><title>502 Bad Gateway</title></head></html>')).toBe('');
    expect(answerReason('{"status":"down"}')).toBe('');
    expect(answerReason('{"error":{"code":"unav')).toBe('');
    expect(answerReason('  ')).toBe('');
  });

  it('is short and prints as it is: control and hidden characters escaped', () => {
    expect(answerReason('x'.repeat(5000))).toBe(`${'x'.repeat(120)}…`);
    expect(answerReason('{"error":{"message":"down\\u001b[2J\\r\\u202eevil"}}')).toBe('down\\u001b[2J\\r\\u202eevil');
  });
});
