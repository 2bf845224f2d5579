import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { Attachment, AttachmentKind } from '../../attachments/schemas.ts';
import { ATTACHABLE, type RecordKind } from '../../attachments/rules.ts';
import { ApiProblem, fetchBlob, newIdempotencyKey, request, uploadForm } from '../api/client.ts';
import { useMe } from '../session/session.tsx';
import { ConfirmDialog, type ConfirmRequest } from '../ui/confirm-dialog.tsx';
import { SelectField, TextField } from '../ui/form.tsx';
import { useFormat } from '../ui/format.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';

/** An image kept on the server, shown through an object URL (the API wants the bearer token; an <img src> cannot send it). */
export function StoredImage({ path, alt, className }: { path: string; alt: string; className?: string }) {
  const blob = useQuery({ queryKey: ['stored-image', path], queryFn: () => fetchBlob(path), staleTime: Infinity });
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!blob.data) return;
    const made = URL.createObjectURL(blob.data);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [blob.data]);
  if (blob.isError) return <span className="thumbnail-missing">{alt}</span>;
  return url ? <img src={url} alt={alt} className={className} /> : <span className="thumbnail-loading" aria-hidden />;
}

/** A file chosen and the kind of photograph it is, before it is uploaded. */
export interface ChosenFile {
  file: File;
  kind: AttachmentKind;
}

interface Upload {
  key: string;
  file: File;
  kind: AttachmentKind;
  caption: string;
  progress: number;
  error?: unknown;
}

/**
 * A record's photographs and documents: thumbnails (the original opens full size), an upload — from the camera on a
 * phone — with its progress, a retry that cannot duplicate (the same Idempotency-Key), and retraction with a reason.
 * `kinds` are the kinds offered, the first by default; `only` shows just those kinds (e.g. the markings beside a serial).
 */
export function AttachmentsPanel({
  record,
  id,
  kinds,
  only,
  title,
  closed = false,
  initialFiles,
}: {
  record: RecordKind;
  id: string;
  kinds: readonly AttachmentKind[];
  only?: readonly AttachmentKind[];
  title?: string;
  /** The record takes no more attachments (a verified destruction): shown, nothing added or retracted. */
  closed?: boolean;
  /** Files chosen before the record existed (on the new-trace form): uploaded at once, each with its own key. */
  initialFiles?: readonly ChosenFile[];
}) {
  const { t } = useTranslation();
  const me = useMe();
  const format = useFormat();
  const queryClient = useQueryClient();
  const spec = ATTACHABLE[record];
  const path = `${spec.path}/${id}/attachments`;
  const writes = !closed && (spec.writers as readonly string[]).includes(me.role);
  const list = useQuery({ queryKey: ['attachments', path], queryFn: () => request<{ items: Attachment[] }>(path) });
  const [kind, setKind] = useState<AttachmentKind>(kinds[0] ?? 'document');
  const [caption, setCaption] = useState('');
  const [uploads, setUploads] = useState<Upload[]>(() =>
    (initialFiles ?? []).map(({ file, kind: chosenKind }) => ({
      key: newIdempotencyKey(),
      file,
      kind: chosenKind,
      caption: '',
      progress: 0,
    })),
  );
  const [viewing, setViewing] = useState<Attachment | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const change = (key: string, patch: Partial<Upload>) =>
    setUploads((current) => current.map((one) => (one.key === key ? { ...one, ...patch } : one)));
  const send = async (upload: Upload) => {
    change(upload.key, { error: undefined, progress: 0 });
    const form = new FormData();
    form.append('kind', upload.kind);
    if (upload.caption.trim()) form.append('caption', upload.caption.trim());
    form.append('file', upload.file, upload.file.name);
    try {
      await uploadForm<Attachment>(path, form, {
        idempotencyKey: upload.key,
        onProgress: (progress) => change(upload.key, { progress }),
      });
      setUploads((current) => current.filter((one) => one.key !== upload.key));
      // A first read of the list may still be on its way, begun before this upload was kept: invalidating alone would
      // wait for it (it has no data yet) and show its stale answer. It is cancelled, then read again.
      await queryClient.cancelQueries({ queryKey: ['attachments', path] });
      await queryClient.invalidateQueries({ queryKey: ['attachments', path] });
    } catch (error) {
      change(upload.key, { error });
    }
  };
  // The files the page was opened with start uploading once (sent twice, the same key still makes one attachment).
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    for (const upload of uploads) void send(upload);
  }, []);
  const chosen = (input: HTMLInputElement) => {
    const picked = [...(input.files ?? [])].map((file) => ({
      key: newIdempotencyKey(),
      file,
      kind,
      caption,
      progress: 0,
    }));
    input.value = '';
    setUploads((current) => [...current, ...picked]);
    setCaption('');
    for (const upload of picked) void send(upload);
  };

  const shown = (list.data?.items ?? []).filter((item) => !only || only.includes(item.kind));
  const label = (item: Attachment) => item.caption ?? t(`attachmentKinds.${item.kind}`);
  return (
    <section
      className="attachments"
      aria-labelledby={`attachments-${record}-${id}`}
      data-testid={`attachments-${record}`}
    >
      <h2 id={`attachments-${record}-${id}`}>{title ?? t('attachments.title')}</h2>
      <ErrorNotice error={list.error} />
      {list.isPending ? (
        <Loading />
      ) : shown.length === 0 ? (
        <p className="muted">{t('attachments.none')}</p>
      ) : (
        <ul className="gallery">
          {shown.map((item) => (
            <li key={item.id}>
              <button
                type="button"
                className="thumbnail"
                onClick={() => setViewing(item)}
                aria-label={`${t('attachments.open')} ${label(item)}`}
              >
                {item.hasThumbnail ? (
                  <StoredImage path={`/attachments/${item.id}/thumbnail`} alt={label(item)} />
                ) : (
                  <span className="document-icon" aria-hidden>
                    PDF
                  </span>
                )}
              </button>
              <span className="caption">
                {label(item)}
                <small>
                  {[
                    item.caption ? t(`attachmentKinds.${item.kind}`) : null,
                    format.dateTime(item.takenAt ?? item.createdAt),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </small>
              </span>
              {writes && (
                <button
                  type="button"
                  className="link danger"
                  aria-label={`${t('attachments.retract')} ${label(item)}`}
                  onClick={() =>
                    setConfirm({
                      title: t('attachments.retractTitle'),
                      body: t('attachments.retractBody'),
                      confirmLabel: t('attachments.retract'),
                      textLabel: t('attachments.retractReason'),
                      danger: true,
                      onConfirm: async (reason) => {
                        await request(`/attachments/${item.id}/retract`, { method: 'POST', body: { reason } });
                        await queryClient.invalidateQueries({ queryKey: ['attachments', path] });
                      },
                    })
                  }
                >
                  {t('attachments.retract')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {uploads.length > 0 && (
        <ul className="uploads" aria-live="polite">
          {uploads.map((upload) => (
            <li key={upload.key}>
              <span>{upload.file.name}</span>
              {upload.error ? (
                <>
                  <ErrorNotice error={upload.error} />
                  {(!(upload.error instanceof ApiProblem) ||
                    upload.error.status === 0 ||
                    upload.error.status >= 500) && (
                    <button type="button" onClick={() => void send(upload)}>
                      {t('attachments.retry')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="link"
                    onClick={() => setUploads((current) => current.filter((one) => one.key !== upload.key))}
                  >
                    {t('attachments.dismiss')}
                  </button>
                </>
              ) : (
                <progress
                  max={1}
                  value={upload.progress}
                  aria-label={t('attachments.uploading', { name: upload.file.name })}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {writes && (
        <div className="attach-form">
          <SelectField
            label={t('attachments.kind')}
            value={kind}
            onChange={(value) => setKind(value as AttachmentKind)}
            options={kinds.map((value) => ({ value, label: t(`attachmentKinds.${value}`) }))}
          />
          <TextField label={t('attachments.caption')} value={caption} onChange={setCaption} maxLength={500} />
          <div className="actions">
            {/* On a phone, the camera opens at once (capture); elsewhere, the device's own file picker. */}
            <FilePicker label={t('attachments.takePhoto')} accept="image/*" capture="environment" onFiles={chosen} />
            <FilePicker label={t('attachments.chooseFiles')} accept={ACCEPTED} multiple onFiles={chosen} />
          </div>
        </div>
      )}
      {viewing && <FullView attachment={viewing} label={label(viewing)} onClose={() => setViewing(null)} />}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}

export const ACCEPTED = 'image/jpeg,image/png,image/webp,image/heic,application/pdf';

/** A button that opens the file picker (or the camera): the input itself stays hidden inside its label. */
export function FilePicker({
  label,
  onFiles,
  ...input
}: { label: string; onFiles: (input: HTMLInputElement) => void } & Pick<
  InputHTMLAttributes<HTMLInputElement>,
  'accept' | 'capture' | 'multiple'
>) {
  return (
    <label className="button">
      {label}
      <input type="file" hidden {...input} onChange={(event) => onFiles(event.currentTarget)} />
    </label>
  );
}

/** The original, full size (an image), or a link to open the document. */
function FullView({ attachment, label, onClose }: { attachment: Attachment; label: string; onClose: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const content = `/attachments/${attachment.id}/content`;
  const image = attachment.contentType.startsWith('image/') && attachment.contentType !== 'image/heic';
  return (
    <dialog ref={dialog} className="full-view" aria-label={label} onClose={onClose} onCancel={onClose}>
      {image ? (
        <StoredImage path={content} alt={label} className="original" />
      ) : (
        <DocumentLink path={content} label={label} />
      )}
      <p className="muted">
        {attachment.fileName ?? ''} · SHA-256 {attachment.sha256.slice(0, 16)}…
      </p>
      <button type="button" onClick={() => dialog.current?.close()}>
        {t('common.close')}
      </button>
    </dialog>
  );
}

function DocumentLink({ path, label }: { path: string; label: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  return (
    <p>
      <button
        type="button"
        onClick={() =>
          void fetchBlob(path).then((blob) => window.open(URL.createObjectURL(blob), '_blank', 'noopener'), setError)
        }
      >
        {t('attachments.openDocument', { name: label })}
      </button>
      <ErrorNotice error={error} />
    </p>
  );
}
