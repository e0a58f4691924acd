import { DEFAULT_MAX_IMAGE_BYTES, IMAGE_MAX_SIDE, IMAGE_MIN_SIDE, IMAGE_TYPES } from '../../../../api/schemas/generate-limits';
import { formatBytes } from '../../lib/format';

/** The server's upload rules, checked here first so a wrong file never travels. */
export interface CheckedImage {
  readonly file: File;
  readonly width: number;
  readonly height: number;
}

export async function checkImage(file: File, maxBytes = DEFAULT_MAX_IMAGE_BYTES): Promise<CheckedImage> {
  if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
    throw new Error(`“${file.name}” is not a PNG, JPEG or WebP image.`);
  }
  if (file.size > maxBytes) throw new Error(`“${file.name}” is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`“${file.name}” could not be read as an image.`);
  }
  const { width, height } = bitmap;
  bitmap.close();
  if (Math.min(width, height) < IMAGE_MIN_SIDE || Math.max(width, height) > IMAGE_MAX_SIDE) {
    throw new Error(`“${file.name}” is ${width}×${height} pixels; each side must be ${IMAGE_MIN_SIDE} to ${IMAGE_MAX_SIDE} pixels.`);
  }
  return { file, width, height };
}
