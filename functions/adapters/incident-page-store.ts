import type { IncidentPageStorePort } from '../domain/ports.js';
import { sha256Hex, signedCall } from './signed-request.js';

/**
 * The incident pages' bucket: PutObject over S3's REST API. Virtual-hosted style in AWS, path style
 * at `AWS_ENDPOINT_URL_S3` (the twin's edge writes the object into the folder it serves).
 */
export class S3IncidentPageStore implements IncidentPageStorePort {
  constructor(
    private readonly bucket: string,
    private readonly region: string,
    private readonly endpoint: string | undefined,
  ) {}

  async put(key: string, body: string, contentType: string): Promise<void> {
    const path = key.split('/').map(encodeURIComponent).join('/');
    const url = this.endpoint
      ? new URL(`${this.endpoint.replace(/\/+$/, '')}/${this.bucket}/${path}`)
      : new URL(`https://${this.bucket}.s3.${this.region}.amazonaws.com/${path}`);
    await signedCall(
      {
        service: 's3',
        method: 'PUT',
        url,
        headers: {
          'content-type': contentType,
          'x-amz-content-sha256': sha256Hex(body),
          // Short: a new update or FAQ entry shows within a minute, without an invalidation.
          'cache-control': 'public, max-age=60',
        },
        body,
      },
      this.region,
    );
  }
}
