/** Pieces shared by the S3 object tests: clients that send or skip checksums, raw response headers, bodies. */
import { createHash } from 'node:crypto';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { NimbusCloud } from 'nimbus-aws';
import { clientConfig } from '../../helpers/cloud.js';

/**
 * A path-style client that computes no request checksum and asks for none in responses unless
 * told (`requestChecksumCalculation`/`responseChecksumValidation: 'WHEN_REQUIRED'`): what a
 * client that knows nothing of flexible checksums sends.
 */
export function plainS3(cloud: NimbusCloud, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    ...clientConfig(cloud, { accessKeyId: '111111111111' }),
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...extra,
  });
}

export interface Exchange {
  method: string;
  path: string;
  query: Record<string, unknown>;
  requestHeaders: Record<string, string>;
  status: number;
  headers: Record<string, string>;
}

/** Records every request a client sends and the raw status and headers of its answer. */
export function recordExchanges(s3: S3Client): Exchange[] {
  const exchanges: Exchange[] = [];
  s3.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as {
        method: string;
        path: string;
        query: Record<string, unknown>;
        headers: Record<string, string>;
      };
      const exchange: Exchange = {
        method: request.method,
        path: request.path,
        query: { ...request.query },
        requestHeaders: { ...request.headers },
        status: 0,
        headers: {},
      };
      exchanges.push(exchange);
      try {
        const result = await next(args);
        const response = result.response as { statusCode: number; headers: Record<string, string> };
        exchange.status = response.statusCode;
        exchange.headers = { ...response.headers };
        return result;
      } catch (error) {
        const response = (error as { $response?: { statusCode: number; headers: Record<string, string> } }).$response;
        if (response) {
          exchange.status = response.statusCode;
          exchange.headers = { ...response.headers };
        }
        throw error;
      }
    },
    { step: 'deserialize', priority: 'low' },
  );
  return exchanges;
}

/** Changes each request's headers just before it is signed and sent (to send what the SDK would not). */
export function editHeaders(s3: S3Client, edit: (headers: Record<string, string>) => void): void {
  s3.middlewareStack.add(
    (next) => async (args) => {
      edit((args.request as { headers: Record<string, string> }).headers);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low' },
  );
}

/** The body of a GetObject answer as text. */
export async function text(out: { Body?: { transformToString(): Promise<string> } }): Promise<string> {
  return (await out.Body?.transformToString()) ?? '';
}

export const md5Hex = (data: string | Uint8Array) => createHash('md5').update(data).digest('hex');

/** base64 of the MD5 of `data`: a Content-MD5 value. */
export const md5Base64 = (data: string | Buffer) => createHash('md5').update(data).digest('base64');
