/**
 * Calls the provider method that answers an operation, found through the generated operation
 * table (never by converting names at run time). An operation the provider does not have
 * answers 501, naming the service and operation.
 */
import { NotImplemented } from './errors/framework.js';
import type { LoadedService } from './nimbus.js';
import type { Operation } from './protocol/model-types.js';
import type { RequestContext } from './services/service-types.js';

type ProviderMethod = (ctx: RequestContext, input: unknown) => unknown;

/** The provider's answer: a value, or a promise of one (the caller awaits only the latter). */
export function dispatch(service: LoadedService, operation: Operation, ctx: RequestContext, input: unknown): unknown {
  const methodName = service.module.operations[operation.name];
  const method = methodName ? (service.provider as Record<string, unknown>)[methodName] : undefined;
  if (typeof method !== 'function') throw new NotImplemented(service.definition.name, operation.name);
  return (method as ProviderMethod).call(service.provider, ctx, input);
}
