import type { Config } from '../config.js';
import { GcsStorage } from './gcs-storage.js';
import { LocalDiskStorage } from './local-storage.js';
import type { ObjectStorage } from './object-storage.js';
import type { MediaUrlSigner } from './url-signing.js';

/** The storage the configuration asks for; the signer serves local objects' links (GCS signs its own). */
export function createStorage(config: Config['storage'], signer: MediaUrlSigner): ObjectStorage {
  switch (config.kind) {
    case 'local':
      return new LocalDiskStorage({ root: config.root, signer });
    case 'gcs':
      return new GcsStorage({ bucket: config.bucket, apiEndpoint: config.apiEndpoint, projectId: config.projectId });
  }
}
