import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionRevocations } from './session-revocations';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-22T12:10:00.000Z');
const A = 'c2Vzc2lvbi1hLTAwMDAwMDAw';
const B = 'c2Vzc2lvbi1iLTAwMDAwMDAw';
const C = 'c2Vzc2lvbi1jLTAwMDAwMDAw';

describe(SessionRevocations.name, () => {
  let home: string;
  let dir: string;
  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), 'palisade-revocations-'));
    dir = path.join(home, 'dashboard-revoked-sessions');
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('revokes one session until its expiry, and the revocation survives a restart', () => {
    new SessionRevocations(dir).revoke(A, NOW + 12 * HOUR, NOW);
    const restarted = new SessionRevocations(dir);
    expect(restarted.isRevoked(A, NOW + 12 * HOUR)).toBe(true);
    expect(restarted.isRevoked(B, NOW + 12 * HOUR)).toBe(false);
  });

  it('loses no sign-out of two at once, and sees one made by another process on the same folder', () => {
    const first = new SessionRevocations(dir);
    const second = new SessionRevocations(dir);
    expect(first.isRevoked(B, NOW + HOUR)).toBe(false); // read (and cached) before the other's sign-out
    first.revoke(A, NOW + HOUR, NOW);
    second.revoke(B, NOW + HOUR + 1, NOW);
    expect([first.isRevoked(B, NOW + HOUR + 1), second.isRevoked(A, NOW + HOUR)]).toEqual([true, true]);
    const third = new SessionRevocations(dir);
    expect([third.isRevoked(A, NOW + HOUR), third.isRevoked(B, NOW + HOUR + 1)]).toEqual([true, true]);
  });

  it('drops what has ended: a session already over is not recorded, an hour of sessions past is deleted', () => {
    const revocations = new SessionRevocations(dir);
    revocations.revoke(A, NOW - 1, NOW);
    expect(readdirSync(home)).toEqual([]);
    revocations.revoke(A, NOW + HOUR, NOW);
    const later = NOW + 3 * HOUR;
    revocations.revoke(B, later + 12 * HOUR, later);
    expect(readdirSync(dir)).toEqual([`${Math.floor((later + 12 * HOUR) / HOUR)}.revoked`]);
    expect(new SessionRevocations(dir).isRevoked(B, later + 12 * HOUR)).toBe(true);
  });

  it('keeps an id written after a torn line (a crash mid-write) and skips the torn one', () => {
    const revocations = new SessionRevocations(dir);
    revocations.revoke(A, NOW + HOUR, NOW);
    const file = path.join(dir, readdirSync(dir)[0]!);
    appendFileSync(file, 'c2Vzc2lvbi1');
    new SessionRevocations(dir).revoke(C, NOW + HOUR, NOW);
    const fresh = new SessionRevocations(dir);
    expect([fresh.isRevoked(A, NOW + HOUR), fresh.isRevoked(C, NOW + HOUR), fresh.isRevoked('c2Vzc2lvbi1', NOW + HOUR)]).toEqual([true, true, false]);
  });

  it('still revokes in this process when the folder cannot be written, and says so by throwing', () => {
    writeFileSync(path.join(home, 'file'), '');
    const revocations = new SessionRevocations(path.join(home, 'file', 'dashboard-revoked-sessions'));
    expect(() => revocations.revoke(A, NOW + HOUR, NOW)).toThrow(/ENOTDIR/);
    expect(revocations.isRevoked(A, NOW + HOUR)).toBe(true);
    expect(() => revocations.revoke('../../etc/passwd', NOW + HOUR, NOW)).toThrow('not a session id');
  });
});
