/**
 * Nimbus's own Lambda routes:
 *
 *   GET /_nimbus/lambda/code/<account>/<region>/<function>.zip   the function's deployment
 *       package, which GetFunction's `Code.Location` names (AWS's is a presigned S3 URL; ours
 *       serves the stored zip itself)
 *   GET /_nimbus/lambda/layers/<account>/<region>/<layer>/<version>.zip   a layer version's zip
 *       (GetLayerVersion's `Content.Location`)
 */
import type { ControlAnswer, ControlRequest } from '../service-types.js';
import type { LambdaState } from './state.js';

const codePath = /^\/_nimbus\/lambda\/code\/(\d{12})\/([a-z0-9-]+)\/([A-Za-z0-9_-]+)\.zip$/;

const layerPath = /^\/_nimbus\/lambda\/layers\/(\d{12})\/([a-z0-9-]+)\/([A-Za-z0-9_-]+)\/(\d+)\.zip$/;

export async function inspect(state: LambdaState, request: ControlRequest): Promise<ControlAnswer> {
  const layer = layerPath.exec(request.path);
  if (layer) {
    const [, account, region, name, version] = layer as unknown as [string, string, string, string, string];
    const stored = state.published.layerVersion(account, region, name, Number(version));
    const zip = stored ? await state.deps.blobs.get(stored.codeBlob) : undefined;
    if (!zip) return { status: 404, json: { error: `no layer version ${name}:${version} in ${account}/${region}` } };
    return { status: 200, bytes: zip, contentType: 'application/zip' };
  }
  const match = codePath.exec(request.path);
  if (!match) return { status: 404, json: { error: `no Lambda route ${request.path}` } };
  if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 405, json: { error: 'use GET' } };
  const fn = state.store.get(match[1] as string, match[2] as string, match[3] as string);
  if (!fn) return { status: 404, json: { error: `no function ${match[3]} in ${match[1]}/${match[2]}` } };
  // `?version=N`: a published version's own code (GetFunction with a qualifier links there).
  const version = request.query.get('version');
  const stored = version ? state.published.version(fn.account, fn.region, fn.name, Number(version)) : undefined;
  if (version && !stored) return { status: 404, json: { error: `no version ${version} of ${fn.name}` } };
  const zip = await state.deps.blobs.get(stored ? stored.codeBlob : fn.codeBlob);
  if (!zip) return { status: 404, json: { error: 'the code is gone' } };
  return { status: 200, bytes: zip, contentType: 'application/zip' };
}
