/**
 * Delivery streams: create, describe, list, delete, update a destination, tags, encryption.
 *
 * A stream is ACTIVE as soon as it is made: CreateDeliveryStream's work is done in its
 * transaction, so DescribeDeliveryStream answers ACTIVE from the first call and SDK waiters
 * return at once. VersionId starts at 1 and grows with every UpdateDestination
 * (https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html).
 */
import type { FirehoseOperations } from '../../generated/firehose/operations.js';
import type * as T from '../../generated/firehose/types.js';
import type { RequestContext } from '../service-types.js';
import type { Delivery } from './delivery.js';
import { destinationDescription, destinationOf, type StreamConfig, updatedHttp, updatedS3 } from './destinations.js';
import { destinationNotFound, invalidArgument, streamExists, tooManyTags, versionMismatch } from './errors.js';
import type { KinesisSource } from './kinesis-source.js';
import { checkProcessing } from './processing.js';
import { configOf, type FirehoseState, streamArn } from './state.js';
import type { StreamRow } from './store.js';

const maxTags = 50;

function tagsOf(row: StreamRow): T.Tag[] {
  return JSON.parse(row.tags) as T.Tag[];
}

function describe(row: StreamRow, input: T.DescribeDeliveryStreamInput): T.DeliveryStreamDescription {
  const config = configOf(row);
  let destinations = config.destinations;
  if (input.ExclusiveStartDestinationId !== undefined) {
    destinations = destinations.filter((d) => d.id > (input.ExclusiveStartDestinationId as string));
  }
  const limit = input.Limit ?? 10;
  const out: T.DeliveryStreamDescription = {
    DeliveryStreamName: row.name,
    DeliveryStreamARN: streamArn(row, row.name),
    DeliveryStreamStatus: 'ACTIVE',
    DeliveryStreamEncryptionConfiguration: row.encryption
      ? (JSON.parse(row.encryption) as T.DeliveryStreamEncryptionConfiguration)
      : { Status: 'DISABLED' },
    DeliveryStreamType: row.type as T.DeliveryStreamType,
    VersionId: String(row.version),
    CreateTimestamp: new Date(row.created_at),
    Destinations: destinations.slice(0, limit).map(destinationDescription),
    HasMoreDestinations: destinations.length > limit,
  };
  if (row.version > 1) out.LastUpdateTimestamp = new Date(row.updated_at);
  if (config.directPut) out.Source = { DirectPutSourceDescription: config.directPut };
  if (config.kinesisSource) {
    out.Source = {
      KinesisStreamSourceDescription: { ...config.kinesisSource, DeliveryStartTimestamp: new Date(row.created_at) },
    };
  }
  return out;
}

export function streamOperations(state: FirehoseState, delivery: Delivery, kinesis: KinesisSource) {
  return {
    createDeliveryStream(ctx, input) {
      const type = input.DeliveryStreamType ?? 'DirectPut';
      // MSK and database sources need feeds Nimbus does not have. The text is guessed.
      if (type !== 'DirectPut' && type !== 'KinesisStreamAsSource') {
        throw invalidArgument(`DeliveryStreamType ${type} is not supported by Nimbus yet.`);
      }
      const destination = destinationOf(input);
      checkProcessing(
        destination.http ? destination.http.ProcessingConfiguration : destination.s3.ProcessingConfiguration,
      );
      const tags = input.Tags ?? [];
      if (tags.length > maxTags) throw tooManyTags(input.DeliveryStreamName);
      const config: StreamConfig = { destinations: [destination] };
      if (input.DirectPutSourceConfiguration) config.directPut = input.DirectPutSourceConfiguration;
      const insert = () => {
        if (state.store.stream(ctx.account, ctx.region, input.DeliveryStreamName)) {
          throw streamExists(input.DeliveryStreamName, ctx.account);
        }
        const encryption = input.DeliveryStreamEncryptionConfigurationInput;
        const id = state.store.insertStream({
          account: ctx.account,
          region: ctx.region,
          name: input.DeliveryStreamName,
          type,
          config: JSON.stringify(config),
          encryption: encryption ? JSON.stringify({ ...encryption, Status: 'ENABLED' }) : null,
          tags: JSON.stringify(tags),
          now: state.now(),
        });
        return state.store.streamById(id) as StreamRow;
      };
      const answer = { DeliveryStreamARN: streamArn(ctx, input.DeliveryStreamName) };
      if (type === 'DirectPut') {
        insert();
        return answer;
      }
      const source = input.KinesisStreamSourceConfiguration;
      // Texts guessed.
      if (!source) throw invalidArgument('KinesisStreamSourceConfiguration is required for KinesisStreamAsSource.');
      config.kinesisSource = source;
      return kinesis.feedFor(source.KinesisStreamARN).then((feed) => {
        if (!feed) throw invalidArgument(`Kinesis stream ${source.KinesisStreamARN} does not exist.`);
        // The feed was loaded after an await, outside the request's savepoint: a transaction of its own.
        const row = state.store.transaction(insert);
        kinesis.start(feed, row);
        return answer;
      });
    },

    describeDeliveryStream(ctx, input) {
      return { DeliveryStreamDescription: describe(state.stream(ctx, input.DeliveryStreamName), input) };
    },

    listDeliveryStreams(ctx, input) {
      const limit = input.Limit ?? 10;
      const names = state.store.names(
        ctx.account,
        ctx.region,
        input.DeliveryStreamType,
        input.ExclusiveStartDeliveryStreamName ?? '',
        limit + 1,
      );
      return { DeliveryStreamNames: names.slice(0, limit), HasMoreDeliveryStreams: names.length > limit };
    },

    deleteDeliveryStream(ctx, input) {
      // The stream is gone at once (AWS shows DELETING for a while) and its undelivered records with it.
      const row = state.stream(ctx, input.DeliveryStreamName);
      state.store.deleteStream(row.id);
      delivery.forget(row.id);
      kinesis.forget(row.id);
      return {};
    },

    updateDestination(ctx, input) {
      const row = state.stream(ctx, input.DeliveryStreamName);
      if (input.CurrentDeliveryStreamVersionId !== String(row.version)) {
        throw versionMismatch(row.name, String(row.version), input.CurrentDeliveryStreamVersionId);
      }
      const config = configOf(row);
      const destination = config.destinations.find((d) => d.id === input.DestinationId);
      if (!destination) throw destinationNotFound(row.name, input.DestinationId);
      const update = input.ExtendedS3DestinationUpdate ?? input.S3DestinationUpdate;
      if (destination.http && input.HttpEndpointDestinationUpdate) {
        updatedHttp(destination, input.HttpEndpointDestinationUpdate);
        checkProcessing(destination.http?.ProcessingConfiguration);
      } else if (!destination.http && update) {
        destination.s3 = updatedS3(destination.s3, update);
        checkProcessing(destination.s3.ProcessingConfiguration);
      } else {
        // Guessed text: AWS's for an update of another destination kind is not recorded.
        throw invalidArgument('The update does not match the destination type of this delivery stream.');
      }
      state.store.updateConfig(row.id, JSON.stringify(config), state.now());
      delivery.changed(row.id);
      return {};
    },

    tagDeliveryStream(ctx, input) {
      const row = state.stream(ctx, input.DeliveryStreamName);
      const tags = tagsOf(row);
      for (const tag of input.Tags) {
        const existing = tags.find((t) => t.Key === tag.Key);
        if (existing) existing.Value = tag.Value;
        else tags.push(tag);
      }
      if (tags.length > maxTags) throw tooManyTags(row.name);
      state.store.setTags(row.id, JSON.stringify(tags));
      return {};
    },

    untagDeliveryStream(ctx, input) {
      const row = state.stream(ctx, input.DeliveryStreamName);
      const remove = new Set(input.TagKeys);
      state.store.setTags(row.id, JSON.stringify(tagsOf(row).filter((tag) => !remove.has(tag.Key))));
      return {};
    },

    listTagsForDeliveryStream(ctx, input) {
      const row = state.stream(ctx, input.DeliveryStreamName);
      let tags = tagsOf(row);
      if (input.ExclusiveStartTagKey !== undefined) {
        const at = tags.findIndex((tag) => tag.Key === input.ExclusiveStartTagKey);
        tags = at === -1 ? tags : tags.slice(at + 1);
      }
      const limit = input.Limit ?? 50;
      return { Tags: tags.slice(0, limit), HasMoreTags: tags.length > limit };
    },

    startDeliveryStreamEncryption(ctx, input) {
      const row = state.stream(ctx, input.DeliveryStreamName);
      const wanted = input.DeliveryStreamEncryptionConfigurationInput ?? { KeyType: 'AWS_OWNED_CMK' };
      // ENABLING is over at once, as CREATING is.
      state.store.setEncryption(row.id, JSON.stringify({ ...wanted, Status: 'ENABLED' }));
      return {};
    },

    stopDeliveryStreamEncryption(ctx, input) {
      const row = state.stream(ctx, input.DeliveryStreamName);
      state.store.setEncryption(row.id, JSON.stringify({ Status: 'DISABLED' }));
      return {};
    },
  } satisfies Partial<FirehoseOperations<RequestContext>>;
}
