/**
 * Bytes streamed through the process (uploads) leave their chunks' memory behind until V8 collects the small objects
 * that hold it. A chunk that waited for the disk long enough to outlive two young-generation collections is in the old
 * generation, and V8's own trigger for memory outside its heap waits for 64 MB more — on a busy machine, twenty uploads
 * at once passed 200 MB that way. Every 16 MB streamed, a full collection is scheduled (not waited for), which frees
 * them. `gc` exists because the service runs with `--expose-gc` (npm start, the image, compose, the bench); without it
 * this does nothing.
 */
const EVERY = 16 * 1024 * 1024;
let streamed = 0;

type Collect = (options: { type: 'minor' | 'major'; execution: 'sync' | 'async' }) => void;

export function streamedThrough(bytes: number): void {
  streamed += bytes;
  if (streamed < EVERY) return;
  streamed = 0;
  (globalThis as { gc?: Collect }).gc?.({ type: 'major', execution: 'async' });
}
