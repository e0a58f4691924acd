import { imageSize } from 'image-size';
import type { StoredImage } from '../../workflows/messages.js';

export type ImageType = StoredImage['contentType'];

/** Bytes from the start of the upload kept for probing: enough for the headers of real-world files. */
export const PROBE_BYTES = 256 * 1024;

/** Judged by the bytes alone: a file's name and declared type say nothing about what it holds. */
export function sniffImageType(head: Buffer): ImageType | null {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export type ProbeResult =
  | { ok: true; contentType: ImageType; width: number; height: number }
  /** `type`: not an image type the engines take; `header`: one of them, but its header cannot be read. */
  | { ok: false; problem: 'type' | 'header'; reason: string };

/** image-size reads PNG and WebP headers without bounds checks: shorter files would yield garbage sizes. */
const MIN_HEADER_BYTES: Record<ImageType, number> = { 'image/png': 33, 'image/webp': 30, 'image/jpeg': 4 };

/** Type and displayed size (EXIF rotation applied, so portrait photos read as portrait). */
export function probeImage(head: Buffer): ProbeResult {
  const contentType = sniffImageType(head);
  if (!contentType) return { ok: false, problem: 'type', reason: 'must be a PNG, JPEG or WebP image' };
  try {
    if (head.length < MIN_HEADER_BYTES[contentType]) throw new Error('truncated');
    const size = imageSize(head);
    if (!size.width || !size.height) throw new Error('no dimensions');
    const rotated = (size.orientation ?? 1) >= 5;
    return { ok: true, contentType, width: rotated ? size.height : size.width, height: rotated ? size.width : size.height };
  } catch {
    return { ok: false, problem: 'header', reason: `could not be read as ${contentType.slice(6).toUpperCase()}` };
  }
}
