import { fileTypeFromFile } from 'file-type';
import exifReader from 'exif-reader';
import pLimit from 'p-limit';
import sharp, { type Metadata } from 'sharp';
import { invalidField, Problem } from '../shared/problem.ts';
import { CONTENT_TYPES, type ContentType } from './schemas.ts';

export type { ContentType } from './schemas.ts';

/** The largest image decoded: 100 megapixels. A "decompression bomb" claims far more in a few bytes. */
export const MAX_PIXELS = 100_000_000;
/** Thumbnails fit in a 320 px square. */
export const THUMBNAIL_PX = 320;

// Decoding is memory-heavy: two images at a time on two cores, whatever the number of uploads; libvips keeps no cache.
sharp.cache(false);
sharp.concurrency(1);
const decoding = pLimit(2);
/** Whether this build of libvips decodes HEVC (HEIC photographs); the prebuilt one decodes only AV1 (AVIF). */
const heicDecodes = (sharp.format.heif.input as { fileSuffix?: string[] }).fileSuffix?.includes('.heic') ?? false;

export async function contentTypeOf(path: string): Promise<ContentType> {
  const found = await fileTypeFromFile(path);
  const type = CONTENT_TYPES.find((allowed) => allowed === found?.mime);
  if (!type)
    throw new Problem(
      415,
      'unsupported-media-type',
      `The file is ${found ? found.mime : 'of no recognised type'}: only JPEG, PNG, WebP, HEIC and PDF are accepted.`,
    );
  return type;
}

export interface ImageFacts {
  width: number;
  height: number;
  /** When the photograph was taken, from EXIF `DateTimeOriginal` (with `OffsetTimeOriginal` when the camera wrote it). */
  takenAt: Date | null;
  /**
   * A JPEG at most 320 px on its longer side, turned upright, with no metadata (no GPS, no camera serial). Null for a
   * HEIC photograph this server cannot decode (HEVC is not in sharp's prebuilt libvips): it is kept, without a preview.
   */
  thumbnail: Buffer | null;
}

const undecodable = () =>
  invalidField('/file', 'is not an image that decodes (damaged, cut off or not what it claims)');

/** Reads an image's size and date and makes its thumbnail; refuses one that does not decode or claims too many pixels. */
export function describeImage(path: string, type: ContentType): Promise<ImageFacts> {
  return decoding(async () => {
    let meta: Metadata;
    try {
      meta = await sharp(path, { limitInputPixels: MAX_PIXELS }).metadata();
    } catch {
      throw undecodable();
    }
    if (!meta.width || !meta.height) throw undecodable();
    if (meta.width * meta.height > MAX_PIXELS)
      throw invalidField('/file', `claims ${meta.width} × ${meta.height} pixels: at most ${MAX_PIXELS} are decoded`);
    let thumbnail: Buffer;
    try {
      // `failOn: 'truncated'`: a file cut off mid-way is refused, not shown half grey.
      thumbnail = await sharp(path, { limitInputPixels: MAX_PIXELS, failOn: 'truncated' })
        .rotate()
        .resize({ width: THUMBNAIL_PX, height: THUMBNAIL_PX, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 80, mozjpeg: true })
        .toBuffer();
    } catch {
      if (type === 'image/heic' && !heicDecodes) return { ...facts(meta), thumbnail: null };
      throw undecodable();
    }
    return { ...facts(meta), thumbnail };
  });
}

const facts = (meta: Metadata) => ({ width: meta.width!, height: meta.height!, takenAt: takenAtOf(meta.exif) });

/** EXIF `DateTimeOriginal` as an instant: at the camera's offset when it wrote one, else read as UTC. */
export function takenAtOf(exif: Buffer | undefined): Date | null {
  if (!exif) return null;
  try {
    const tags = exifReader(exif) as { Photo?: { DateTimeOriginal?: Date; OffsetTimeOriginal?: string } };
    const original = tags.Photo?.DateTimeOriginal;
    if (!(original instanceof Date) || Number.isNaN(original.getTime())) return null;
    const offset = /^([+-])(\d{2}):(\d{2})$/.exec(tags.Photo?.OffsetTimeOriginal ?? '');
    if (!offset) return original;
    const minutes = (Number(offset[2]) * 60 + Number(offset[3])) * (offset[1] === '-' ? -1 : 1);
    return new Date(original.getTime() - minutes * 60_000);
  } catch {
    return null;
  }
}
