import { LocalStore } from './local-store.ts';
import type { ObjectStore } from './object-store.ts';

/**
 * The store the configuration names: S3 when `S3_ENDPOINT` is set, else the local directory. The AWS SDK is loaded
 * only for S3 (it is a third of an idle API's memory).
 */
export async function objectStoreFrom(config: {
  ATTACHMENT_DIR: string;
  S3_ENDPOINT: string;
  S3_BUCKET: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: boolean;
}): Promise<ObjectStore> {
  if (!config.S3_ENDPOINT) return new LocalStore(config.ATTACHMENT_DIR);
  const { S3Store } = await import('./s3-store.ts');
  return new S3Store({
    endpoint: config.S3_ENDPOINT,
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
}
