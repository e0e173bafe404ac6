'use client';

import { useState } from 'react';
import { printableText } from '@palisade/schema/printable-text';
import { approveTool, quarantineTool, releaseTool } from '@/lib/actions';
import { ConfirmDialog } from '../common/confirm-dialog';

type Intent = 'quarantine' | 'release' | 'approve';

const CONTAINMENT = {
  quarantine: {
    action: quarantineTool,
    description: 'Every collector removes this tool from tools/list and answers calls to it with an error; the server never sees them. Takes effect within 2 seconds.',
    placeholder: 'e.g. hidden instructions in the description',
  },
  release: { action: releaseTool, description: 'Collectors list the tool and pass calls to it again.', placeholder: 'e.g. the server was fixed and reviewed' },
};

/**
 * Containment of one tool: quarantine (collectors hide it and refuse calls within seconds), release,
 * and approval of its current definition as the new pin. Confirmed, then audited by the detector.
 */
export function ToolActions({ server, tool, quarantined, drifted, currentHash, incidentId }: { server: string; tool: string; quarantined: boolean; drifted: boolean; currentHash: string | null; incidentId?: string }) {
  const [intent, setIntent] = useState<Intent | null>(null);
  // Shown in the dialogs' titles: a hidden character in the name is written out (`send_email\u200b`).
  const name = printableText(`${server}/${tool}`);
  const reason = (form: FormData) => String(form.get('reason') ?? '').trim() || undefined;
  return (
    <>
      {quarantined ? (
        <button type="button" className="btn" onClick={() => setIntent('release')} data-action="release">
          Release tool
        </button>
      ) : (
        <button type="button" className="btn danger-outline" onClick={() => setIntent('quarantine')} data-action="quarantine">
          Quarantine tool
        </button>
      )}
      {drifted ? (
        <button type="button" className="btn" onClick={() => setIntent('approve')} data-action="approve">
          Approve description
        </button>
      ) : null}
      {(['quarantine', 'release'] as const).map((kind) => (
        <ConfirmDialog
          key={kind}
          open={intent === kind}
          onClose={() => setIntent(null)}
          title={`${kind === 'quarantine' ? 'Quarantine' : 'Release'} ${name}?`}
          description={CONTAINMENT[kind].description}
          confirmLabel={kind === 'quarantine' ? 'Quarantine' : 'Release'}
          danger={kind === 'quarantine'}
          onConfirm={(form) => CONTAINMENT[kind].action({ server, tool, reason: reason(form), incidentId: incidentId ?? null })}
        >
          <div className="field">
            <label htmlFor={`${kind}-reason`}>Reason</label>
            <input id={`${kind}-reason`} name="reason" type="text" maxLength={1000} placeholder={CONTAINMENT[kind].placeholder} />
          </div>
        </ConfirmDialog>
      ))}
      <ConfirmDialog
        open={intent === 'approve'}
        onClose={() => setIntent(null)}
        title={`Approve the current description of ${name}?`}
        description="The current definition becomes the pin: later changes are judged against it. Approve only a definition you have read."
        confirmLabel="Approve"
        onConfirm={() => approveTool({ server, tool, hash: currentHash })}
      />
    </>
  );
}
