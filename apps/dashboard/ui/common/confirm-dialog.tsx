'use client';

import { useEffect, useRef, useState, useTransition, type ReactNode } from 'react';
import type { ActionResult } from '@/lib/action-result';
import { useToast } from './toast';

export interface ConfirmDialogProps {
  open: boolean;
  onClose(): void;
  title: string;
  description?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** Extra fields (named inputs); their values arrive in `onConfirm`'s FormData. */
  children?: ReactNode;
  onConfirm(form: FormData): Promise<ActionResult<unknown>>;
  /** Called after a successful action (the toast is shown already). */
  onDone?(result: ActionResult<unknown>): void;
}

/**
 * Every change goes through one of these: a modal that says what will happen, takes the optional
 * fields, runs the server action, and reports its error in place or closes with a toast.
 */
export function ConfirmDialog({ open, onClose, title, description, confirmLabel, danger, children, onConfirm, onDone }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();
  const notify = useToast();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setError(null);
      setFieldErrors({});
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog ref={ref} className="confirm" onClose={onClose} aria-labelledby="confirm-title">
      {open ? (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            startTransition(async () => {
              const result = await onConfirm(data);
              if (result.ok) {
                if (result.message) notify('success', result.message);
                onDone?.(result);
                onClose();
              } else {
                setError(result.error);
                setFieldErrors(result.fieldErrors ?? {});
              }
            });
          }}
        >
          <h2 id="confirm-title">{title}</h2>
          {description ? <p>{description}</p> : null}
          {children}
          {Object.entries(fieldErrors).map(([field, messages]) => (
            <div key={field} className="field-error">
              {field}: {messages.join(', ')}
            </div>
          ))}
          {error ? (
            <div className="notice error" role="alert">
              {error}
            </div>
          ) : null}
          <div className="buttons">
            <button type="button" className="btn" onClick={onClose} disabled={pending}>
              Cancel
            </button>
            <button type="submit" className={`btn ${danger ? 'danger' : 'primary'}`} disabled={pending} autoFocus data-confirm>
              {pending ? 'Working…' : confirmLabel}
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
