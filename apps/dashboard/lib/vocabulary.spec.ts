import { ALERT_CATEGORIES as SCHEMA_CATEGORIES, TriageStatus } from '@palisade/schema';
import { describe, expect, it } from 'vitest';
import { ALERT_CATEGORIES, CATEGORY_LABELS, STATUSES } from './vocabulary';

describe('dashboard vocabulary', () => {
  it('names exactly the schema’s alert categories and triage statuses (client bundles carry no zod)', () => {
    expect([...ALERT_CATEGORIES]).toEqual([...SCHEMA_CATEGORIES]);
    expect([...STATUSES]).toEqual(TriageStatus.options);
    expect(Object.keys(CATEGORY_LABELS).sort()).toEqual([...SCHEMA_CATEGORIES].sort());
  });
});
