/**
 * Nimbus's own routes, under /_nimbus (and LocalStack's health path, so that tools that wait
 * on it work unchanged):
 *
 *   GET  /_nimbus/health, /_localstack/health  services and their state, LocalStack's shape
 *   POST /_nimbus/reset[?service=iam]          empty all state, or one service's
 *   GET  /_nimbus/clock                        the clock
 *   POST /_nimbus/clock?advance=N              move it N seconds forward ({"advance": N} works too)
 *   GET  /_nimbus/state                        export all state as one JSON file
 *   POST /_nimbus/state                        import such a file, replacing all state
 *
 * and each service's own inspection routes (its `controlPaths` hint: SNS's /_nimbus/sns and
 * /_aws/sns/...), answered by its provider's `control()`.
 */
import type { Nimbus } from '../nimbus.js';
import type { HttpResponse } from '../protocol/types.js';
import { serviceRegistry } from '../services/registry.js';
import type { ServiceControl, ServiceDefinition } from '../services/service-types.js';
import { exportState, importState } from '../state/state-io.js';
import { version } from '../version.js';
import { readBody } from './body.js';
import type { EdgeRequest } from './http1.js';

const servicePaths: Array<{ prefix: string; service: ServiceDefinition }> = serviceRegistry.flatMap((service) =>
  (service.hints?.controlPaths ?? []).map((prefix) => ({ prefix, service })),
);

function serviceFor(path: string): ServiceDefinition | undefined {
  for (const entry of servicePaths) {
    if (path === entry.prefix || path.startsWith(entry.prefix.endsWith('/') ? entry.prefix : `${entry.prefix}/`)) {
      return entry.service;
    }
  }
  return undefined;
}

export function isControlPath(path: string): boolean {
  return (
    path.startsWith('/_nimbus') ||
    path === '/_localstack/health' ||
    path === '/_localstack/health/' ||
    (path.startsWith('/_aws/') && serviceFor(path) !== undefined)
  );
}

/** State files carry blobs; they may be far larger than an API request. */
const stateImportLimit = 1024 * 1024 * 1024;

function json(status: number, value: unknown): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(value),
  };
}

function clockJson(nimbus: Nimbus): Record<string, unknown> {
  const now = nimbus.clock.now();
  return { now: new Date(now).toISOString(), epochMillis: now, offsetSeconds: nimbus.clock.offsetMs / 1000 };
}

async function jsonBody(request: EdgeRequest, limit: number): Promise<Record<string, unknown>> {
  const body = await readBody(request, limit);
  if (body.length === 0) return {};
  const value: unknown = JSON.parse(body.toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('the body must be a JSON object');
  return value as Record<string, unknown>;
}

export async function handleControl(
  nimbus: Nimbus,
  request: EdgeRequest,
  path: string,
  query: URLSearchParams,
): Promise<HttpResponse> {
  const method = request.method ?? 'GET';
  const route = path.replace(/\/+$/, '');
  try {
    if (route === '/_nimbus/health' || route === '/_localstack/health') {
      if (method !== 'GET' && method !== 'HEAD') return json(405, { error: 'use GET' });
      const running = new Set(nimbus.runningServices());
      const services: Record<string, string> = {};
      for (const service of [...nimbus.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        services[service.name] = running.has(service.name) ? 'running' : 'available';
      }
      return json(200, { services, edition: 'nimbus', version });
    }
    if (route === '/_nimbus/reset') {
      if (method !== 'POST') return json(405, { error: 'use POST' });
      const body = await jsonBody(request, nimbus.config.maxBodyBytes);
      const service = query.get('service') ?? (typeof body.service === 'string' ? body.service : undefined);
      if (service && !nimbus.services.some((s) => s.name === service)) {
        return json(404, { error: `no service named ${service}` });
      }
      return json(200, { reset: await nimbus.reset(service) });
    }
    if (route === '/_nimbus/clock') {
      if (method === 'GET') return json(200, clockJson(nimbus));
      if (method !== 'POST') return json(405, { error: 'use GET or POST' });
      const body = await jsonBody(request, nimbus.config.maxBodyBytes);
      const advance = Number(query.get('advance') ?? body.advance ?? body.advanceSeconds ?? Number.NaN);
      if (!Number.isFinite(advance) || advance < 0) {
        return json(400, { error: 'give the seconds to advance as ?advance=N or {"advance": N}, N >= 0' });
      }
      nimbus.clock.advance(advance);
      return json(200, clockJson(nimbus));
    }
    if (route === '/_nimbus/state') {
      if (method === 'GET') {
        const state = await exportState(nimbus);
        const response = json(200, state);
        response.headers['content-disposition'] = 'attachment; filename="nimbus-state.json"';
        return response;
      }
      if (method !== 'POST') return json(405, { error: 'use GET or POST' });
      const body = await readBody(request, stateImportLimit);
      return json(200, { imported: await importState(nimbus, JSON.parse(body.toString('utf8'))) });
    }
    const owner = serviceFor(path);
    if (owner) {
      const loaded = nimbus.readyService(owner) ?? (await nimbus.service(owner));
      const answer = await (loaded.provider as ServiceControl).control({
        method,
        path,
        query,
        endpoint: `http://${request.headers.host ?? '127.0.0.1'}`,
      });
      const body = answer.bytes ?? answer.text;
      if (body !== undefined) {
        return {
          status: answer.status,
          headers: { 'content-type': answer.contentType ?? 'text/plain', 'cache-control': 'no-store' },
          body,
        };
      }
      return json(answer.status, answer.json ?? {});
    }
    return json(404, { error: `no control route ${route}` });
  } catch (error) {
    const status = (error as { status?: number }).status ?? 400;
    return json(status, { error: (error as Error).message });
  }
}
