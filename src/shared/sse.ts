/**
 * Server-Sent Events as text: the complete messages in `buffer` (each as its fields: `id`, `event`, `data`; comment lines
 * left out) and the incomplete rest, to be prefixed to the next chunk. One parser for the web UI, the tests and the bench.
 */
export function sseMessages(buffer: string): { messages: Map<string, string>[]; rest: string } {
  const messages: Map<string, string>[] = [];
  let rest = buffer;
  let end: number;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const fields = new Map<string, string>();
    for (const line of rest.slice(0, end).split('\n')) {
      const at = line.indexOf(':');
      if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1).trimStart());
    }
    rest = rest.slice(end + 2);
    if (fields.size) messages.push(fields);
  }
  return { messages, rest };
}
