/**
 * The DynamoDB figures, against a Nimbus that keeps its state on disk (as `npm start` does):
 * - PutItem and GetItem (100-byte items) at 1 and 32 connections, next to dynalite (npm, the
 *   peer; LevelDB on disk too) and the floor fed the very same requests;
 * - Query returning 100 items from a table of N items (default 1M): its latency, and the rate at
 *   32 connections, with RSS before and after the fill (items live in SQLite, not in the heap).
 *   dynalite is measured on the same Query when N is at most 100k (filling it with 1M takes long).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import {
  type BenchSettings,
  call,
  emit,
  emitVersusPeer,
  floorArgs,
  floorPattern,
  interleaved,
  json,
  load,
  median,
  nimbusPattern,
  nimbusScript,
  percentile,
  type Request,
  round,
  rssMb,
  startProcess,
  stopProcess,
} from './lib.js';

const dynaliteScript = join(process.cwd(), 'node_modules', 'dynalite', 'cli.js');
const dynalitePattern = /listening at: http:\/\/[^:]+:(\d+)/;
const value100 = 'v'.repeat(100);
const dynamo = (operation: string, input: unknown): Request =>
  json('dynamodb', `DynamoDB_20120810.${operation}`, input);

async function createTable(port: number, name: string, range: boolean): Promise<void> {
  const keys = [{ AttributeName: range ? 'pk' : 'id', KeyType: 'HASH' }];
  const definitions = [{ AttributeName: range ? 'pk' : 'id', AttributeType: 'S' }];
  if (range) {
    keys.push({ AttributeName: 'sk', KeyType: 'RANGE' });
    definitions.push({ AttributeName: 'sk', AttributeType: 'N' });
  }
  await call(
    port,
    dynamo('CreateTable', {
      TableName: name,
      KeySchema: keys,
      AttributeDefinitions: definitions,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // dynalite answers CREATING for createTableMs; wait until the table takes writes.
  for (let i = 0; i < 100; i++) {
    const out = await call(port, dynamo('DescribeTable', { TableName: name }));
    if ((out.Table as { TableStatus?: string }).TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A PutItem of a new 100-byte item per request (`id` counts up per connection). */
function putItems(table: string): { requests: autocannon.Request[] } {
  let next = 0;
  const base = dynamo('PutItem', { TableName: table, Item: { id: { S: 'x' }, v: { S: value100 } } });
  return {
    requests: [
      {
        ...base,
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          body: JSON.stringify({ TableName: table, Item: { id: { S: `item-${next++}` }, v: { S: value100 } } }),
        }),
      } as autocannon.Request,
    ],
  };
}

/** GetItem of the `count` items `fillItems` wrote, round and round. */
function getItems(table: string, count: number): { requests: autocannon.Request[] } {
  let next = 0;
  const base = dynamo('GetItem', { TableName: table, Key: { id: { S: 'item-0' } } });
  return {
    requests: [
      {
        ...base,
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          body: JSON.stringify({ TableName: table, Key: { id: { S: `item-${next++ % count}` } } }),
        }),
      } as autocannon.Request,
    ],
  };
}

async function fillItems(port: number, table: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 25) {
    const writes = Array.from({ length: Math.min(25, count - start) }, (_, i) => ({
      PutRequest: { Item: { id: { S: `item-${start + i}` }, v: { S: value100 } } },
    }));
    await call(port, dynamo('BatchWriteItem', { RequestItems: { [table]: writes } }));
  }
}

/** Fills `count` items in partitions of 100 (`p0`..), 25 per BatchWriteItem, 32 in flight. */
async function fillPartitions(port: number, table: string, count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const first = next;
      next += 25;
      const writes = [];
      for (let i = first; i < Math.min(first + 25, count); i++) {
        writes.push({
          PutRequest: {
            Item: { pk: { S: `p${Math.floor(i / 100)}` }, sk: { N: String(i % 100) }, v: { S: value100 } },
          },
        });
      }
      await call(port, dynamo('BatchWriteItem', { RequestItems: { [table]: writes } }));
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return (performance.now() - started) / 1000;
}

function queryRequest(table: string, partitions: number): { requests: autocannon.Request[] } {
  let next = 0;
  const input = (pk: string) => ({
    TableName: table,
    KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': { S: pk } },
  });
  return {
    requests: [
      {
        ...dynamo('Query', input('p0')),
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          body: JSON.stringify(input(`p${(next++ * 7919) % partitions}`)),
        }),
      } as autocannon.Request,
    ],
  };
}

async function queryLatency(port: number, table: string, partitions: number, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const pk = `p${(i * 7919) % partitions}`;
    const started = performance.now();
    const out = await call(
      port,
      dynamo('Query', {
        TableName: table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: pk } },
      }),
    );
    times.push(performance.now() - started);
    if (out.Count !== 100) throw new Error(`Query of ${pk} returned ${String(out.Count)} items`);
  }
  return times;
}

export async function benchDynamodb(settings: BenchSettings, items: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-bench-'));
  const dynaliteDir = mkdtempSync(join(tmpdir(), 'dynalite-bench-'));
  const floor = await startProcess(floorArgs, floorPattern);
  const nimbus = await startProcess(
    [nimbusScript, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    nimbusPattern,
  );
  const dynalite = await startProcess(
    [dynaliteScript, '--port', '0', '--path', dynaliteDir, '--createTableMs', '0'],
    dynalitePattern,
  );
  try {
    // 1. PutItem and GetItem at 1 and 32 connections, each target fed the same requests.
    for (const port of [nimbus.port, dynalite.port]) {
      await createTable(port, 'bench', false);
      await fillItems(port, 'bench', 1000);
    }
    for (const connections of [1, 32]) {
      for (const [operation, requests] of [
        ['PutItem', () => putItems('bench')],
        ['GetItem', () => getItems('bench', 1000)],
      ] as const) {
        const results = await interleaved(
          [
            { name: 'floor', run: () => load(floor.port, settings, requests(), connections) },
            { name: 'nimbus', run: () => load(nimbus.port, settings, requests(), connections) },
            { name: 'dynalite', run: () => load(dynalite.port, settings, requests(), connections) },
          ],
          settings.rounds,
        );
        emitVersusPeer(
          'dynalite',
          settings,
          results,
          { operation: `dynamodb:${operation}`, item_bytes: 100, connections },
          () => ({
            goal: '>= 3x dynalite and >= 0.4 of floor',
          }),
        );
      }
    }

    // 2. Query of 100 items from a table of `items` items.
    const partitions = Math.ceil(items / 100);
    await createTable(nimbus.port, 'bench-query', true);
    const rssBefore = rssMb(nimbus.child.pid as number);
    const fillSeconds = await fillPartitions(nimbus.port, 'bench-query', items);
    const rssAfter = rssMb(nimbus.child.pid as number);
    emit({
      figure: 'dynamodb_rss_growth_with_items_mb',
      items,
      before: rssBefore,
      after: rssAfter,
      growth: round(rssAfter - rssBefore),
      fill_items_per_second: Math.round(items / fillSeconds),
      goal: '< 100',
    });
    const latencies = await queryLatency(nimbus.port, 'bench-query', partitions, 500);
    const targets = [
      { name: 'nimbus', run: () => load(nimbus.port, settings, queryRequest('bench-query', partitions), 32) },
    ];
    if (items <= 100_000) {
      await createTable(dynalite.port, 'bench-query', true);
      await fillPartitions(dynalite.port, 'bench-query', items);
      targets.push({
        name: 'dynalite',
        run: () => load(dynalite.port, settings, queryRequest('bench-query', partitions), 32),
      });
    }
    const rates = await interleaved(targets, settings.rounds, 'nimbus');
    emit({
      figure: 'query_100_items',
      table_items: items,
      latency_samples: latencies.length,
      p50_ms: round(median(latencies)),
      p99_ms: round(percentile(latencies, 99)),
      connections: 32,
      rps: rates.get('nimbus')?.rps,
      dynalite_rps: rates.get('dynalite')?.rps,
      errors: rates.get('nimbus')?.errors,
      goal: 'p50 independent of table size',
    });
    emit({ figure: 'dynamodb_rss_after_bench_mb', nimbus: rssMb(nimbus.child.pid as number) });
  } finally {
    await Promise.all([stopProcess(floor.child), stopProcess(nimbus.child), stopProcess(dynalite.child)]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dynaliteDir, { recursive: true, force: true });
  }
}
