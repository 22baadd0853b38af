/**
 * Event source mappings: create, read, update, delete and list, with AWS's checks and answers
 * (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html). The texts are
 * what real AWS answered (shared/aws-reference/recorded-responses/services/lambda_/
 * test_lambda_api.snapshot.json and event_source_mapping/*.snapshot.json; the test is named).
 *
 * State as AWS reports it: a create answers `Creating` (`Disabled` when created disabled,
 * test_fifo_message_group_parallelism), an update `Enabling`, `Disabling` or `Updating`, a delete
 * `Deleting`; every later read shows the settled state, `Enabled` or `Disabled`, since the poller
 * starts or stops at once. Waiters and Terraform therefore return at once.
 */
import { randomUUID } from 'node:crypto';
import { ResourceConflictException, ResourceNotFoundException } from '../../../generated/lambda/errors.js';
import type { LambdaOperations } from '../../../generated/lambda/operations.js';
import type * as T from '../../../generated/lambda/types.js';
import type { RequestContext } from '../../service-types.js';
import { invalidParameter } from '../errors.js';
import { functionArn, latest, parseFunctionRef } from '../names.js';
import type { LambdaState } from '../state.js';
import { compileFilters } from './filters.js';
import type { Pollers } from './pollers.js';
import type { EventSourceStore, SourceKind, StoredMapping } from './store.js';

const sqsArn = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([\w.-]+)$/;
const dynamodbStreamArn = /^arn:aws[\w-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/[^/]+\/stream\/.+$/;
const kinesisArn = /^arn:aws[\w-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/.+$/;
const defaultListItems = 100;

/** What pollers need from the services they read; a kind whose service is missing is refused. */
export interface SourceChecks {
  /** Whether the source exists; throws AWS's text for it when it does not. */
  check(kind: SourceKind, arn: string): Promise<void>;
  /** Where a stream mapping begins: undefined for the oldest record, else the last one to skip. */
  startPosition(
    kind: SourceKind,
    arn: string,
    position: T.EventSourcePosition,
    timestamp: number | undefined,
  ): Promise<string | undefined>;
}

function resourceNotFound(): ResourceNotFoundException {
  const message = 'The resource you requested does not exist.';
  return new ResourceNotFoundException(message, { Type: 'User', Message: message });
}

function kindOf(arn: string | undefined): SourceKind {
  if (arn !== undefined) {
    if (sqsArn.test(arn)) return 'sqs';
    if (dynamodbStreamArn.test(arn)) return 'dynamodb';
    if (kinesisArn.test(arn)) return 'kinesis';
  }
  // test_event_source_mapping_exceptions `create_no_event_source_arn`.
  throw invalidParameter('Unrecognized event source.');
}

export function mappingArn(mapping: { account: string; region: string; uuid: string }): string {
  return `arn:aws:lambda:${mapping.region}:${mapping.account}:event-source-mapping:${mapping.uuid}`;
}

/** The function a mapping names: `$LATEST` of an existing function (no versions or aliases yet). */
function resolveFunction(state: LambdaState, ctx: RequestContext, name: string): { name: string; arn: string } {
  let ref: ReturnType<typeof parseFunctionRef>;
  try {
    ref = parseFunctionRef(ctx, name);
  } catch {
    throw invalidParameter('Function does not exist');
  }
  const fn = state.store.get(ref.account, ref.region, ref.name);
  // test_event_source_mapping_exceptions `create_unknown_params`.
  if (!fn || (ref.qualifier !== undefined && ref.qualifier !== latest))
    throw invalidParameter('Function does not exist');
  return { name: ref.name, arn: functionArn(ref.account, ref.region, ref.name, ref.qualifier) };
}

function checkBatching(kind: SourceKind, batchSize: number, window: number): void {
  // test_event_source_mapping_default_batch_size `invalid-create-event-source-mapping`.
  if (kind === 'sqs' && batchSize > 10 && window <= 0) {
    throw invalidParameter(
      'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    );
  }
}

function duplicate(kind: SourceKind, arn: string, functionName: string, uuid: string): ResourceConflictException {
  // test_duplicate_event_source_mappings (SQS, and DynamoDB Streams for the stream kinds).
  const message =
    kind === 'sqs'
      ? `An event source mapping with SQS arn (" ${arn} ") and function (" ${functionName} ") already exists. Please update or delete the existing mapping with UUID ${uuid}`
      : `The event source arn (" ${arn} ") and function (" ${functionName} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${uuid}`;
  return new ResourceConflictException(message, { Type: 'User' });
}

/** The configuration AWS shows for a new mapping, defaults filled in as AWS fills them. */
function newConfig(
  kind: SourceKind,
  input: T.CreateEventSourceMappingRequest,
  fnArn: string,
): T.EventSourceMappingConfiguration {
  const config: T.EventSourceMappingConfiguration = {
    BatchSize: input.BatchSize ?? (kind === 'sqs' ? 10 : 100),
    EventSourceArn: input.EventSourceArn,
    FunctionArn: fnArn,
    FunctionResponseTypes: input.FunctionResponseTypes ?? [],
    MaximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? 0,
    StateTransitionReason: kind === 'sqs' ? 'USER_INITIATED' : 'User action',
  };
  if (input.FilterCriteria !== undefined) config.FilterCriteria = input.FilterCriteria;
  if (input.ScalingConfig !== undefined) config.ScalingConfig = input.ScalingConfig;
  if (kind !== 'sqs') {
    Object.assign(config, {
      BisectBatchOnFunctionError: input.BisectBatchOnFunctionError ?? false,
      DestinationConfig: { OnFailure: input.DestinationConfig?.OnFailure ?? {} },
      LastProcessingResult: 'No records processed',
      MaximumRecordAgeInSeconds: input.MaximumRecordAgeInSeconds ?? -1,
      MaximumRetryAttempts: input.MaximumRetryAttempts ?? -1,
      ParallelizationFactor: input.ParallelizationFactor ?? 1,
      StartingPosition: input.StartingPosition,
      ...(input.StartingPositionTimestamp !== undefined
        ? { StartingPositionTimestamp: input.StartingPositionTimestamp.getTime() as unknown as Date }
        : {}),
      TumblingWindowInSeconds: input.TumblingWindowInSeconds ?? 0,
    });
  }
  return config;
}

export function mappingView(mapping: StoredMapping, state: string): T.EventSourceMappingConfiguration {
  // Kept as epoch milliseconds in the row's JSON.
  const timestamp = mapping.config.StartingPositionTimestamp as unknown as number | undefined;
  return {
    ...mapping.config,
    ...(timestamp !== undefined ? { StartingPositionTimestamp: new Date(timestamp) } : {}),
    UUID: mapping.uuid,
    EventSourceMappingArn: mappingArn(mapping),
    LastModified: new Date(mapping.lastModified),
    State: state,
  };
}

function settled(mapping: StoredMapping): T.EventSourceMappingConfiguration {
  return mappingView(mapping, mapping.enabled ? 'Enabled' : 'Disabled');
}

export function mappingOperations(
  state: LambdaState,
  store: EventSourceStore,
  pollers: Pollers,
  sources: SourceChecks,
) {
  function owned(ctx: RequestContext, uuid: string): StoredMapping {
    const mapping = store.mapping(uuid);
    if (!mapping || mapping.account !== ctx.account || mapping.region !== ctx.region) throw resourceNotFound();
    return mapping;
  }

  return {
    async createEventSourceMapping(ctx, input) {
      const kind = kindOf(input.EventSourceArn);
      const sourceArn = input.EventSourceArn as string;
      const fn = resolveFunction(state, ctx, input.FunctionName);
      if (kind === 'sqs') {
        if (input.DestinationConfig !== undefined) {
          // test_event_source_mapping_exceptions `destination_config_failure`.
          throw invalidParameter('Unsupported DestinationConfig parameter for given event source mapping type.');
        }
        if (input.StartingPosition !== undefined) {
          // Not recorded for SQS: the text AWS gives a stream an unsupported position.
          throw invalidParameter(`Unsupported starting position for arn type: ${sourceArn}`);
        }
      } else {
        if (input.StartingPosition === undefined) {
          // test_create_event_source_validation `no_starting_position`.
          throw invalidParameter(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
          );
        }
        if (kind === 'dynamodb' && input.StartingPosition === 'AT_TIMESTAMP') {
          // test_create_event_source_validation `incompatible_starting_position`.
          throw invalidParameter(`Unsupported starting position for arn type: ${sourceArn}`);
        }
      }
      checkBatching(kind, input.BatchSize ?? (kind === 'sqs' ? 10 : 100), input.MaximumBatchingWindowInSeconds ?? 0);
      compileFilters(input.FilterCriteria);
      const existing = store.listMappings(ctx.account, ctx.region, { sourceArn, functionName: fn.name })[0];
      if (existing) throw duplicate(kind, sourceArn, fn.name, existing.uuid);
      await sources.check(kind, sourceArn);
      const position =
        kind === 'sqs'
          ? undefined
          : await sources.startPosition(
              kind,
              sourceArn,
              input.StartingPosition as T.EventSourcePosition,
              input.StartingPositionTimestamp?.getTime(),
            );
      const now = state.now();
      const mapping: StoredMapping = {
        uuid: randomUUID(),
        account: ctx.account,
        region: ctx.region,
        functionName: fn.name,
        sourceArn,
        kind,
        config: newConfig(kind, input, fn.arn),
        enabled: input.Enabled ?? true,
        lastModified: now,
        position,
        createdAt: now,
      };
      store.transaction(() => store.putMapping(mapping));
      pollers.sync(mapping.uuid);
      return mappingView(mapping, mapping.enabled ? 'Creating' : 'Disabled');
    },

    getEventSourceMapping(ctx, input) {
      return settled(owned(ctx, input.UUID));
    },

    updateEventSourceMapping(ctx, input) {
      const mapping = owned(ctx, input.UUID);
      const config = { ...mapping.config };
      if (input.FunctionName !== undefined) {
        const fn = resolveFunction(state, ctx, input.FunctionName);
        config.FunctionArn = fn.arn;
        mapping.functionName = fn.name;
      }
      if (mapping.kind === 'sqs' && input.DestinationConfig !== undefined) {
        throw invalidParameter('Unsupported DestinationConfig parameter for given event source mapping type.');
      }
      const batchSize = input.BatchSize ?? config.BatchSize ?? 10;
      const window = input.MaximumBatchingWindowInSeconds ?? config.MaximumBatchingWindowInSeconds ?? 0;
      checkBatching(mapping.kind, batchSize, window);
      if (input.FilterCriteria !== undefined) compileFilters(input.FilterCriteria);
      config.BatchSize = batchSize;
      config.MaximumBatchingWindowInSeconds = window;
      const copied = [
        'FilterCriteria',
        'FunctionResponseTypes',
        'ScalingConfig',
        'MaximumRecordAgeInSeconds',
        'BisectBatchOnFunctionError',
        'MaximumRetryAttempts',
        'ParallelizationFactor',
        'TumblingWindowInSeconds',
      ] as const;
      for (const key of copied) {
        if (input[key] !== undefined) (config as Record<string, unknown>)[key] = input[key];
      }
      if (input.DestinationConfig !== undefined) {
        config.DestinationConfig = { OnFailure: input.DestinationConfig.OnFailure ?? {} };
      }
      const wasEnabled = mapping.enabled;
      if (input.Enabled !== undefined) mapping.enabled = input.Enabled;
      mapping.config = config;
      mapping.lastModified = state.now();
      store.transaction(() => store.putMapping(mapping));
      pollers.sync(mapping.uuid);
      const shown = mapping.enabled === wasEnabled ? 'Updating' : mapping.enabled ? 'Enabling' : 'Disabling';
      return mappingView(mapping, shown);
    },

    deleteEventSourceMapping(ctx, input) {
      const mapping = owned(ctx, input.UUID);
      store.transaction(() => store.deleteMapping(mapping.uuid));
      pollers.sync(mapping.uuid);
      return mappingView(mapping, 'Deleting');
    },

    listEventSourceMappings(ctx, input) {
      let functionName: string | undefined;
      if (input.FunctionName !== undefined) functionName = parseFunctionRef(ctx, input.FunctionName).name;
      const all = store.listMappings(ctx.account, ctx.region, {
        ...(input.EventSourceArn !== undefined ? { sourceArn: input.EventSourceArn } : {}),
        ...(functionName !== undefined ? { functionName } : {}),
      });
      let start = 0;
      if (input.Marker !== undefined) {
        start = all.findIndex((mapping) => mapping.uuid === input.Marker);
        if (start < 0) start = all.length;
      }
      const limit = input.MaxItems ?? defaultListItems;
      const page = all.slice(start, start + limit);
      const out: T.ListEventSourceMappingsResponse = { EventSourceMappings: page.map(settled) };
      const next = all[start + limit];
      if (next) out.NextMarker = next.uuid;
      return out;
    },
  } satisfies Partial<LambdaOperations<RequestContext>>;
}
