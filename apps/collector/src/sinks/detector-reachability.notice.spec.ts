import { describe, expect, it } from 'vitest';
import { DetectorReachabilityNotice, whyUnanswered } from './detector-reachability.notice.js';

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
