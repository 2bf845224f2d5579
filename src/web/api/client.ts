import { sseReader } from '../../shared/sse.ts';
import i18n from '../i18n/i18n.ts';

export interface FieldError {
  path: string;
  message: string;
}

/** A problem+json answer from the API (or a network failure, status 0). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly detail: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  get errors(): FieldError[] {
    return Array.isArray(this.body.errors) ? (this.body.errors as FieldError[]) : [];
  }

  /** The last segment of the problem type, e.g. `account-locked`. */
  get kind() {
    return this.type.split('/').pop() ?? '';
  }
}

export const API_BASE = '/api/v1';

interface Session {
  token: string | null;
  /** Called after a 401 on an authenticated call: the session expired or was revoked. */
  onExpired(): void;
  /** Called after every authenticated answer: the server extended the session. */
  onActivity(): void;
}

const session: Session = { token: null, onExpired: () => undefined, onActivity: () => undefined };

export function bindSession(next: Partial<Session>) {
  Object.assign(session, next);
}

/** A random key for Idempotency-Key; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newIdempotencyKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Sent as-is with this content type instead of JSON. */
  rawBody?: { text: string; contentType: string };
  accept?: string;
  idempotencyKey?: string;
  /** Answer the body as a Blob (a PDF), not JSON. */
  blob?: boolean;
  /** Another person's token for this one call (a second person signing off on this device); the session is untouched. */
  token?: string;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  // Text the API words itself (alert reasons, CSV headers) comes in the page's language, not the browser's.
  const headers: Record<string, string> = {
    accept: options.accept ?? 'application/json',
    'accept-language': i18n.language || 'es',
  };
  // A token given for the call (even an empty one: no one's) is not the session's: its 401 does not end the session.
  const own = options.token === undefined;
  const token = own ? session.token : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let body: string | undefined;
  if (options.rawBody) {
    headers['content-type'] = options.rawBody.contentType;
    body = options.rawBody.text;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(API_BASE + path, { method: options.method ?? 'GET', headers, body });
  } catch {
    throw new ApiProblem(0, 'network', 'The server could not be reached.');
  }
  if (session.token && own) {
    if (response.status === 401) session.onExpired();
    else session.onActivity();
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    throw new ApiProblem(
      response.status,
      String(problem.type ?? 'unknown'),
      String(problem.detail ?? response.statusText),
      problem,
    );
  }
  return response;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (options.blob) return (await response.blob()) as T;
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/**
 * The job-queue board is a server page: the server sets its short-lived HttpOnly cookie when the signed-in admin asks,
 * then the browser goes there. `close` clears the cookie (on sign-out).
 */
export async function queueBoardSession(action: 'open' | 'close'): Promise<void> {
  const headers: Record<string, string> = session.token ? { authorization: `Bearer ${session.token}` } : {};
  const response = await fetch('/admin/queues/session', { method: action === 'open' ? 'POST' : 'DELETE', headers });
  if (!response.ok) throw new ApiProblem(response.status, 'queue-board', response.statusText);
}

/** A stored file's bytes (an attachment's original or thumbnail), to show through an object URL. */
export async function fetchBlob(path: string): Promise<Blob> {
  return (await send(path, { accept: '*/*' })).blob();
}

/**
 * Sends a `multipart/form-data` upload, reporting its progress (0–1) as the bytes leave — fetch cannot tell upload
 * progress, XMLHttpRequest can. The `Idempotency-Key` makes a retry after a dropped link the same upload.
 */
export function uploadForm<T>(
  path: string,
  form: FormData,
  options: { idempotencyKey: string; onProgress?: (sent: number) => void },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', API_BASE + path);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('accept-language', i18n.language || 'es');
    xhr.setRequestHeader('idempotency-key', options.idempotencyKey);
    if (session.token) xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiProblem(0, 'network', 'The server could not be reached.'));
    xhr.onabort = xhr.onerror;
    xhr.onload = () => {
      if (session.token) {
        if (xhr.status === 401) session.onExpired();
        else session.onActivity();
      }
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // not JSON: the status says enough
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiProblem(xhr.status, String(body.type ?? 'unknown'), String(body.detail ?? ''), body));
    };
    xhr.send(form);
  });
}

export async function download(path: string, accept: string, fileName: string, options: RequestOptions = {}) {
  const blob = await (await send(path, { ...options, accept })).blob();
  saveFile(blob, fileName);
}

export function saveFile(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function query(params: Record<string, string | number | boolean | undefined | null>) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface StreamMessage {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Reads the live event stream until it ends (EventSource cannot send a bearer token, so this is fetch and a
 * Server-Sent Events parser). `onOpen` when the server accepted it; resolves when the server ends it.
 */
export async function readEventStream(
  onMessage: (message: StreamMessage) => void,
  onOpen: () => void,
  lastEventId: string | undefined,
  signal: AbortSignal,
) {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const response = await fetch(`${API_BASE}/events/stream`, { headers, signal });
  if (!response.ok || !response.body) throw new ApiProblem(response.status, 'stream', response.statusText);
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const feed = sseReader(({ data }) => {
    if (!data) return;
    const event = JSON.parse(data) as { id: string; type: string; data: Record<string, unknown> };
    onMessage({ id: event.id, type: event.type, data: event.data });
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    feed(value);
  }
}
