import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '@palisade/schema';
import { MaintenanceScheduler } from '../src/schedulers/maintenance.scheduler.js';
import { type RunningDetector, startDetector } from './support/detector.harness.js';
import { smtpReceiver } from './support/receivers.js';
import { POISONED_ADD, TelemetryBuilder } from './support/telemetry.builder.js';

describe(MaintenanceScheduler.name, () => {
  let detector: RunningDetector;
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>;

  beforeAll(async () => {
    smtp = await smtpReceiver();
    detector = await startDetector({ SMTP_URL: smtp.url, PALISADE_MAIL_TO: 'soc@example.test', PALISADE_RETENTION_EVENTS_DAYS: '30' });
  });

  afterAll(async () => {
    await detector?.close();
    await smtp?.close();
  });

  it('deletes events older than their retention and audits the run', async () => {
    const old = new TelemetryBuilder('archive', 'old-session', Date.now() - 40 * 86_400_000);
    const recent = new TelemetryBuilder('archive', 'recent-session');
    await detector.publish([old.call('lookup', { q: 'a' }), old.call('lookup', { q: 'b' }), recent.call('lookup', { q: 'c' })]);
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/events?server=archive')).body.total === 3, 'the three events stored');
    const removed = await detector.app.get(MaintenanceScheduler).retention();
    expect(removed.events).toBe(2);
    expect((await detector.api<Page<unknown>>('GET', '/api/events?server=archive')).body.total).toBe(1);
    const audit = (await detector.api<Page<{ details: Record<string, unknown> }>>('GET', '/api/audit?action=retention.run')).body.items;
    expect(audit[0]!.details).toMatchObject({ events: 2, eventsDays: 30 });
  });

  it('sends the daily digest by e-mail with the new incidents and links', async () => {
    const b = new TelemetryBuilder('math');
    await detector.publish([b.initialize(), b.toolsList([POISONED_ADD])]);
    await detector.waitFor(async () => (await detector.api<Page<unknown>>('GET', '/api/incidents')).body.total > 0, 'an incident');
    expect(await detector.app.get(MaintenanceScheduler).digest()).toBe(true);
    const mail = await detector.waitFor(async () => smtp.messages.find((m) => /Daily digest/.test(m.raw)), 'the digest e-mail');
    expect(mail.to).toEqual(['soc@example.test']);
    expect(mail.raw).toContain('/incidents/');
    expect(mail.raw).toMatch(/1 new incident/);
  });
});
