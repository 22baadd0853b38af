/**
 * AWS Lambda. https://docs.aws.amazon.com/lambda/latest/api/welcome.html
 *
 * The operations live with their resources (functions.ts, invoke.ts, settings.ts), each a table
 * checked against the generated interface; from-services.ts is what other services call.
 * Versions, aliases, resource policies, layers and function URLs have files of their own
 * (versions.ts, aliases.ts, permissions.ts, layers.ts, urls.ts, streaming.ts), as have code signing
 * (code-signing.ts) and provisioned concurrency, account settings, recursion and runtime management
 * (function-settings.ts). Operations not here answer 501.
 */
import { type LambdaOperations, lambdaOperations } from '../../generated/lambda/operations.js';
import type { Migration } from '../../state/database.js';
import type { ControlRequest, Provider, RequestContext, ServiceControl, ServiceDeps } from '../service-types.js';
import { aliasOperations } from './aliases.js';
import { codeSigningMigrations, codeSigningOperations } from './code-signing.js';
import { EventSources } from './event-sources/index.js';
import { fromServicesOperations, type LambdaFromServices } from './from-services.js';
import { functionSettingOperations } from './function-settings.js';
import { functionSettingsMigrations } from './function-settings-store.js';
import { functionOperations } from './functions.js';
import { inspect } from './inspection.js';
import { EventQueue, invokeOperations } from './invoke.js';
import { layerOperations } from './layers.js';
import { permissionOperations } from './permissions.js';
import { publishedMigrations } from './published-store.js';
import { settingOperations } from './settings.js';
import { LambdaState } from './state.js';
import { lambdaMigrations } from './store.js';
import { streamingOperations } from './streaming.js';
import { urlOperations } from './urls.js';
import { versionOperations } from './versions.js';

export const operations = lambdaOperations;
export const migrations: Migration[] = [
  ...lambdaMigrations,
  ...publishedMigrations,
  ...codeSigningMigrations,
  ...functionSettingsMigrations,
];
export const readOnlyOperations: ReadonlySet<string> = new Set([
  'GetFunction',
  'GetFunctionConfiguration',
  'ListFunctions',
  'GetFunctionConcurrency',
  'ListTags',
  'GetEventSourceMapping',
  'ListEventSourceMappings',
  'GetFunctionEventInvokeConfig',
  'ListFunctionEventInvokeConfigs',
  'ListVersionsByFunction',
  'GetAlias',
  'ListAliases',
  'GetPolicy',
  'GetLayerVersion',
  'GetLayerVersionByArn',
  'ListLayers',
  'ListLayerVersions',
  'GetLayerVersionPolicy',
  'GetFunctionUrlConfig',
  'ListFunctionUrlConfigs',
  'GetCodeSigningConfig',
  'ListCodeSigningConfigs',
  'GetFunctionCodeSigningConfig',
  'ListFunctionsByCodeSigningConfig',
  'GetProvisionedConcurrencyConfig',
  'ListProvisionedConcurrencyConfigs',
  'GetAccountSettings',
  'GetFunctionRecursionConfig',
  'GetRuntimeManagementConfig',
]);

export function createProvider(deps: ServiceDeps): Provider {
  const state = new LambdaState(deps);
  const events = new EventQueue(state);
  const eventSources = new EventSources(state, events);
  const provider = {
    ...functionOperations(state),
    ...invokeOperations(state, events),
    ...settingOperations(state),
    ...fromServicesOperations(state, events),
    ...eventSources.operations(),
    ...versionOperations(state),
    ...aliasOperations(state),
    ...permissionOperations(state),
    ...layerOperations(state),
    ...urlOperations(state),
    ...streamingOperations(state),
    ...codeSigningOperations(state),
    ...functionSettingOperations(state),
    control: (request: ControlRequest) => inspect(state, request),
    dispose() {
      eventSources.dispose();
      events.stop();
      state.dispose();
    },
  } satisfies Partial<LambdaOperations<RequestContext>> & ServiceControl & { dispose(): void };
  const forServices: LambdaFromServices = provider;
  return forServices as typeof provider;
}
