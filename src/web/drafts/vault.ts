import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/** What a person left on the device to send when the link returns: a new trace or a lost-or-stolen report. */
export interface Draft<T = unknown> {
  /** Also the request's `Idempotency-Key`, fixed when the draft was made: however often it is sent, one record. */
  id: string;
  userId: string;
  /** Which form it came from and where it is sent: one of `DRAFT_KINDS` (draft-kinds.ts). */
  kind: string;
  createdAt: number;
  /** `pending` waits for the link; `refused` came back from the server (its `errors` or `problem` say why). */
  state: 'pending' | 'refused';
  /** What was typed: kept only encrypted (possessor names and identity numbers are in it). */
  content: T;
  errors?: { path: string; message: string }[];
  problem?: { status: number; kind: string; body: Record<string, unknown> };
}

interface SealedDraft extends Omit<Draft, 'content'> {
  iv: Uint8Array<ArrayBuffer>;
  sealed: ArrayBuffer;
}
interface SealedList {
  id: string;
  iv: Uint8Array<ArrayBuffer>;
  sealed: ArrayBuffer;
}

interface Vault extends DBSchema {
  drafts: { key: string; value: SealedDraft; indexes: { userId: string } };
  lists: { key: string; value: SealedList };
  keys: { key: string; value: CryptoKey };
}

let opened: Promise<IDBPDatabase<Vault>> | undefined;
const vault = () =>
  (opened ??= openDB<Vault>('rastreo', 1, {
    upgrade(db) {
      db.createObjectStore('drafts', { keyPath: 'id' }).createIndex('userId', 'userId');
      db.createObjectStore('lists', { keyPath: 'id' });
      db.createObjectStore('keys');
    },
  }));

/** Every tab hears when the drafts change (saved, sent, refused, deleted), so each list stays current. */
const changes = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('rastreo-drafts');
const listeners = new Set<() => void>();
changes?.addEventListener('message', () => listeners.forEach((listener) => listener()));
const changed = () => {
  listeners.forEach((listener) => listener());
  changes?.postMessage('changed');
};
export function onDraftsChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether this page may keep drafts: WebCrypto and IndexedDB exist only in a secure context (HTTPS, or localhost). */
export const draftsAvailable = () => typeof indexedDB !== 'undefined' && Boolean(globalThis.crypto?.subtle);

/**
 * The device's key: AES-GCM, made here and never extractable — stored in IndexedDB as a key object, so script can use
 * it but no one can read it out. Drafts are deleted at sign-out; the key stays for the next person's drafts.
 */
async function deviceKey(): Promise<CryptoKey> {
  const db = await vault();
  const existing = await db.get('keys', 'device');
  if (existing) return existing;
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  // Two tabs may make one at once: the first stored wins, and both use it.
  const tx = db.transaction('keys', 'readwrite');
  const raced = await tx.store.get('device');
  if (!raced) await tx.store.put(key, 'device');
  await tx.done;
  return raced ?? key;
}

async function seal(value: unknown) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    await deviceKey(),
    new TextEncoder().encode(JSON.stringify(value)),
  );
  return { iv, sealed };
}

async function open<T>(iv: Uint8Array<ArrayBuffer>, sealed: ArrayBuffer): Promise<T> {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, await deviceKey(), sealed);
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

export async function saveDraft<T>(draft: Draft<T>): Promise<void> {
  const { content, ...rest } = draft;
  const sealed = await seal(content);
  await (await vault()).put('drafts', { ...rest, ...sealed });
  changed();
}

export async function loadDraft<T>(id: string): Promise<Draft<T> | undefined> {
  const row = await (await vault()).get('drafts', id);
  if (!row) return undefined;
  const { iv, sealed, ...rest } = row;
  return { ...rest, content: await open<T>(iv, sealed) };
}

/** A person's drafts, oldest first, without their content (opening one decrypts it). */
export async function draftsOf(userId: string) {
  const rows = await (await vault()).getAllFromIndex('drafts', 'userId', userId);
  return rows.sort((a, b) => a.createdAt - b.createdAt);
}

export async function deleteDraft(id: string): Promise<void> {
  await (await vault()).delete('drafts', id);
  changed();
}

/** Marks a draft as refused by the server, with why, so the person can fix it. */
export async function refuseDraft(id: string, why: Pick<Draft, 'errors' | 'problem'>): Promise<void> {
  const db = await vault();
  const tx = db.transaction('drafts', 'readwrite');
  const row = await tx.store.get(id);
  if (row) await tx.store.put({ ...row, state: 'refused', errors: why.errors, problem: why.problem });
  await tx.done;
  changed();
}

/** Sign-out: every draft and kept list of this device goes (the sign-out dialog said how many drafts). */
export async function forgetEverything(): Promise<void> {
  const tx = (await vault()).transaction(['drafts', 'lists'], 'readwrite');
  await Promise.all([tx.objectStore('drafts').clear(), tx.objectStore('lists').clear(), tx.done]);
  changed();
}

/** A list the forms need offline (a person's open cases), kept encrypted under a name. */
export async function keepList(id: string, items: unknown[]): Promise<void> {
  const sealed = await seal(items);
  await (await vault()).put('lists', { id, ...sealed });
}

export async function keptList<T>(id: string): Promise<T[] | undefined> {
  const row = await (await vault()).get('lists', id);
  return row ? open<T[]>(row.iv, row.sealed) : undefined;
}

/** The new-trace form as it was being typed, kept (encrypted) so a session that expires mid-form loses nothing. */
export interface FormStash<T> {
  form: T;
  /** The request's `Idempotency-Key`: the restored form still makes one trace. */
  key: string;
}
const stashOf = (userId: string) => `unsent-form:${userId}`;
export const stashForm = <T>(userId: string, stash: FormStash<T>) => keepList(stashOf(userId), [stash]);
/** The kept form, taken once: it is deleted as it is read. */
export async function takeStash<T>(userId: string): Promise<FormStash<T> | undefined> {
  const stash = (await keptList<FormStash<T>>(stashOf(userId)))?.[0];
  if (stash) await (await vault()).delete('lists', stashOf(userId));
  return stash;
}
