import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import { ApiError, badRequest } from '../errors.js';
import { FieldError, parseGenerateRequest, type GenerateOptions, type GenerateRequest } from '../schemas/generate.js';
import { decodeFailure } from './decode-image.js';
import { probeImage, type ImageType } from './image-probe.js';
import type { ReceivedUpload } from './receive-image.js';

const MIN_SIDE = 64;
const MAX_SIDE = 8192;
/** libvips refuses to decode more than this before it allocates anything (decompression bombs). */
export const MAX_PIXELS = MAX_SIDE * MAX_SIDE;

export const missingImage = (message: string) => new ApiError(400, message, { code: 'missing_image', param: 'image' });

export interface CheckedSubmission {
  readonly request: GenerateRequest;
  /** What the stored image turned out to be; absent when none was sent (allowed for an estimate only). */
  readonly image?: { readonly contentType: ImageType; readonly width: number; readonly height: number };
}

type CheckOptions = GenerateOptions & { readonly storage: ObjectStorage; readonly imageKey: string };

/**
 * The checks `POST /generate` and `POST /estimate` share, in the order that decides which
 * problem a request with several hears of: the image's presence and type, its size, the fields,
 * then a full decode of the stored image (the dearest check, last). Throws ApiError (a missing
 * image, a type the engines do not take: 415) or FieldError.
 */
export async function checkSubmission(upload: ReceivedUpload, options: CheckOptions & { readonly imageRequired: true }): Promise<Required<CheckedSubmission>>;
export async function checkSubmission(upload: ReceivedUpload, options: CheckOptions & { readonly imageRequired: false }): Promise<CheckedSubmission>;
export async function checkSubmission(upload: ReceivedUpload, options: CheckOptions & { readonly imageRequired: boolean }): Promise<CheckedSubmission> {
  const { image } = upload;
  if (!image || image.size === 0) {
    if (options.imageRequired) throw missingImage('No image file provided');
    return { request: parseGenerateRequest(upload.fields, options) };
  }
  const probe = probeImage(image.head);
  if (!probe.ok) {
    const message = `Invalid parameter 'image': the file ${probe.reason}.`;
    // Bytes of no type the engines take are the wrong media type; a PNG that cannot be read is a bad parameter.
    if (probe.problem === 'type') throw new ApiError(415, message, { param: 'image' });
    throw badRequest(message);
  }
  if (Math.min(probe.width, probe.height) < MIN_SIDE || Math.max(probe.width, probe.height) > MAX_SIDE) {
    throw new FieldError(`Invalid parameter 'image': ${probe.width}×${probe.height} is outside ${MIN_SIDE}–${MAX_SIDE} pixels a side.`);
  }
  const request = parseGenerateRequest(upload.fields, options);
  const undecodable = await decodeFailure(options.storage, options.imageKey, MAX_PIXELS);
  if (undecodable) throw new FieldError(`Invalid parameter 'image': the file ${undecodable}.`);
  return { request, image: { contentType: probe.contentType, width: probe.width, height: probe.height } };
}
