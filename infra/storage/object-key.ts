/** Local storage keeps each object's content type beside it under this suffix: never an object's own name. */
export const SIDECAR_SUFFIX = '.meta.json';

/** A key that can never name an object: every storage adapter refuses it before touching anything. */
export class InvalidObjectKeyError extends Error {
  override name = 'InvalidObjectKeyError';
  constructor(
    readonly key: string,
    why: string,
  ) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${why}`);
  }
}

/**
 * The one check on storage keys (relative '/'-separated paths such as `jobs/<id>/video.mp4`):
 * what we write always passes; a key from outside (a signed media link) that could leave the
 * storage root, alias another key or reach a sidecar does not.
 */
export function assertObjectKey(key: string): void {
  const invalid = (why: string) => new InvalidObjectKeyError(key, why);
  if (typeof key !== 'string' || key.length === 0) throw invalid('empty');
  if (key.includes('\\')) throw invalid('backslashes are not allowed');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw invalid('control characters are not allowed');
  if (key.startsWith('/')) throw invalid('must be relative');
  for (const segment of key.split('/')) {
    if (segment === '') throw invalid('empty path segment');
    if (segment === '.' || segment === '..') throw invalid(`"${segment}" segments are not allowed`);
    if (segment.endsWith(SIDECAR_SUFFIX)) throw invalid(`names ending in ${SIDECAR_SUFFIX} are reserved`);
  }
}
