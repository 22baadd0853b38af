/**
 * Nimbus's own Lambda routes:
 *
 *   GET /_nimbus/lambda/code/<account>/<region>/<function>.zip   the function's deployment
 *       package, which GetFunction's `Code.Location` names (AWS's is a presigned S3 URL; ours
 *       serves the stored zip itself)
 */
import type { ControlAnswer, ControlRequest } from '../service-types.js';
import type { LambdaState } from './state.js';

const codePath = /^\/_nimbus\/lambda\/code\/(\d{12})\/([a-z0-9-]+)\/([A-Za-z0-9_-]+)\.zip$/;

export async function inspect(state: LambdaState, request: ControlRequest): Promise<ControlAnswer> {
  const match = codePath.exec(request.path);
  if (!match) return { status: 404, json: { error: `no Lambda route ${request.path}` } };
  if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 405, json: { error: 'use GET' } };
  const fn = state.store.get(match[1] as string, match[2] as string, match[3] as string);
  if (!fn) return { status: 404, json: { error: `no function ${match[3]} in ${match[1]}/${match[2]}` } };
  const zip = await state.deps.blobs.get(fn.codeBlob);
  if (!zip) return { status: 404, json: { error: 'the code is gone' } };
  return { status: 200, bytes: zip, contentType: 'application/zip' };
}
