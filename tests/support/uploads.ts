import { deflateSync, crc32 } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import sharp from 'sharp';
import { checkContract, type Client } from './harness.ts';

/** A photograph as a phone takes it: a JPEG with the time it was taken (EXIF) and where (GPS). */
export const photo = (width = 1600, height = 1200, colour = '#6b4f2a') =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .withExif({
      IFD0: { Make: 'Rastreo test camera', Model: 'SN-CAMERA-0042' },
      IFD2: { DateTimeOriginal: '2026:11:03 14:25:09', OffsetTimeOriginal: '-06:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '13/1 41/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '89/1 11/1 0/1' },
    })
    .jpeg({ quality: 90 })
    .toBuffer();

export const png = (width = 400, height = 300) =>
  sharp({ create: { width, height, channels: 4, background: '#2a6b4f80' } })
    .png()
    .toBuffer();

/** Photographic noise: a JPEG that does not compress to nothing (`bytes` about its size). */
export async function noisyPhoto(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < raw.length; i += 1) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    raw[i] = seed >> 16;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/** A decompression bomb: a valid PNG of a few hundred bytes that claims 50,000 × 50,000 pixels. */
export function pngBomb(side = 50_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  // Rows of zeros compress to almost nothing: the first few rows, then the file simply ends its data.
  const rows = deflateSync(Buffer.alloc((side + 1) * 16));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A ZIP archive (a ".jpg" that is not one). */
export const zipFile = () =>
  Buffer.concat([
    Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00]),
    Buffer.alloc(20),
    Buffer.from('evidence.txt'),
    Buffer.from('not a photograph'),
  ]);

export const htmlPage = () => Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');

/** A minimal PDF document. */
export const pdfDocument = () =>
  Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
      '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  );

export interface UploadReply {
  status: number;
  body: any;
  headers: Headers;
}

/** `POST <path>` as multipart/form-data: the file (with the name the device gave it) and the other fields. */
export async function upload(
  client: Client,
  token: string,
  path: string,
  file: { bytes: Buffer; name?: string; type?: string } | undefined,
  fields: Record<string, string> = { kind: 'marking' },
  headers: Record<string, string> = {},
): Promise<UploadReply> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file)
    form.append(
      'file',
      new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'image/jpeg' }),
      file.name ?? 'photo.jpg',
    );
  const res = await fetch(`${client.baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...headers },
    body: form,
  });
  const text = await res.text();
  const reply = { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  await checkContract(client.baseUrl, 'POST', res.url, reply);
  return reply;
}

/** `GET <path>` as bytes. */
export async function download(client: Client, token: string, path: string) {
  const res = await fetch(`${client.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/**
 * Starts a multipart upload over a raw connection, sends `sendBytes` of the file's bytes, then cuts the connection:
 * resolves once the socket is gone.
 */
export function cutUpload(client: Client, token: string, path: string, bytes: Buffer, sendBytes: number) {
  const boundary = 'rastreo-cut-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmarking\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise<void>((resolve) => {
    const req = httpRequest(`${client.baseUrl}/api/v1${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + bytes.length + tail.length),
      },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(head);
    req.write(bytes.subarray(0, sendBytes), () => setImmediate(() => req.destroy()));
  });
}

/**
 * An upload whose file part's `Content-Disposition` is written as given (e.g. a name carried as RFC 5987
 * `filename*=UTF-8''…`, the only way a NUL or a slash-laden name travels in a well-formed body).
 */
export async function rawUpload(client: Client, token: string, path: string, disposition: string, bytes: Buffer) {
  const boundary = 'rastreo-raw-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmarking\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await fetch(`${client.baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
  const text = await res.text();
  const reply = { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  await checkContract(client.baseUrl, 'POST', res.url, reply);
  return reply;
}
