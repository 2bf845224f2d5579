import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from './notice.tsx';
import { TextAreaField } from './form.tsx';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  /** Label of a text the user must give (a reason, a message); none when absent. */
  textLabel?: string;
  danger?: boolean;
  onConfirm(text: string): Promise<unknown>;
}

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels) that shows the API's refusal in place. */
export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    setText('');
    setError(null);
    setTouched(false);
    if (request && !dialog.current?.open) dialog.current?.showModal();
    else dialog.current?.close();
  }, [request]);

  if (!request) return <dialog ref={dialog} />;
  const missingText = Boolean(request.textLabel) && !text.trim();
  const confirm = async () => {
    setTouched(true);
    if (missingText) return;
    setBusy(true);
    setError(null);
    try {
      await request.onConfirm(text.trim());
      onClose();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} aria-labelledby="confirm-title" onClose={onClose} onCancel={onClose}>
      <form
        method="dialog"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void confirm();
        }}
      >
        <h2 id="confirm-title">{request.title}</h2>
        <p>{request.body}</p>
        {request.textLabel && (
          <TextAreaField
            label={request.textLabel}
            value={text}
            onChange={setText}
            required
            error={touched && missingText ? t('fieldErrors.required') : undefined}
          />
        )}
        <ErrorNotice error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className={request.danger ? 'danger' : 'primary'} disabled={busy}>
            {request.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
