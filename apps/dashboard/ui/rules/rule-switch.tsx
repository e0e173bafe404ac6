'use client';

import { useState } from 'react';
import { setRuleEnabled } from '@/lib/actions';
import { ConfirmDialog } from '../common/confirm-dialog';

/** Enable or disable a correlation rule (confirmed, audited). Read-only for roles without triage. */
export function RuleSwitch({ id, title, enabled, canChange }: { id: string; title: string; enabled: boolean; canChange: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" role="switch" className="switch" aria-checked={enabled} aria-label={`${enabled ? 'Disable' : 'Enable'} ${title}`} disabled={!canChange} onClick={() => setOpen(true)} data-rule={id} />
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`${enabled ? 'Disable' : 'Enable'} “${title}”?`}
        description={enabled ? 'The rule stops matching new events until it is enabled again.' : 'The rule matches new events from now on.'}
        confirmLabel={enabled ? 'Disable' : 'Enable'}
        danger={enabled}
        onConfirm={() => setRuleEnabled({ id, enabled: !enabled })}
      />
    </>
  );
}
