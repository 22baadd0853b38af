/**
 * State as one file, for /_nimbus/state: every row of every table (binary values as
 * `{"$base64": ...}`), every blob, and the schema version of each store, as plain JSON.
 * An import replaces all state; it accepts only files whose schema versions match this
 * Nimbus's, so that rows never land in tables of another shape.
 */
import type { Nimbus } from '../nimbus.js';
import { version } from '../version.js';
import type { SqlValue, TableDump } from './database.js';

export const stateFormat = 'nimbus-state';

export interface StateFile {
  format: typeof stateFormat;
  formatVersion: 1;
  nimbusVersion: string;
  exportedAt: string;
  schema: Record<string, number>;
  tables: Record<string, { columns: string[]; rows: unknown[][] }>;
  blobs: Record<string, string>;
}

function encodeValue(value: SqlValue): unknown {
  if (Buffer.isBuffer(value)) return { $base64: value.toString('base64') };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  return value;
}

function decodeValue(value: unknown): SqlValue {
  if (value !== null && typeof value === 'object') {
    const tagged = value as { $base64?: string; $bigint?: string };
    if (typeof tagged.$base64 === 'string') return Buffer.from(tagged.$base64, 'base64');
    if (typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
    throw new Error('unexpected object in a table row');
  }
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  throw new Error('unexpected value in a table row');
}

export async function exportState(nimbus: Nimbus): Promise<StateFile> {
  await nimbus.loadAllServices();
  const tables: StateFile['tables'] = {};
  for (const [name, dump] of Object.entries(nimbus.db.dump())) {
    tables[name] = { columns: dump.columns, rows: dump.rows.map((row) => row.map(encodeValue)) };
  }
  const blobs: Record<string, string> = {};
  for (const id of await nimbus.blobs.ids()) {
    const bytes = await nimbus.blobs.get(id);
    if (bytes) blobs[id] = bytes.toString('base64');
  }
  // Other services' blobs (Lambda code) under `<owner>/<id>`; S3's keep their bare ids.
  for (const owner of nimbus.blobOwners()) {
    const store = nimbus.blobsFor(owner);
    for (const id of await store.ids()) {
      const bytes = await store.get(id);
      if (bytes) blobs[`${owner}/${id}`] = bytes.toString('base64');
    }
  }
  return {
    format: stateFormat,
    formatVersion: 1,
    nimbusVersion: version,
    exportedAt: new Date(nimbus.clock.now()).toISOString(),
    schema: nimbus.db.schemaVersions(),
    tables,
    blobs,
  };
}

/** Replaces all state with a file's; throws an Error whose message says what is wrong with it. */
export async function importState(
  nimbus: Nimbus,
  file: unknown,
): Promise<{ tables: number; rows: number; blobs: number }> {
  const state = file as Partial<StateFile>;
  if (!state || state.format !== stateFormat || state.formatVersion !== 1) {
    throw new Error(`not a ${stateFormat} file of format version 1`);
  }
  await nimbus.loadAllServices();
  const ours = nimbus.db.schemaVersions();
  for (const [owner, schema] of Object.entries(state.schema ?? {})) {
    if (ours[owner] !== schema) {
      throw new Error(
        `the file's ${owner} schema is version ${schema}; this Nimbus has version ${ours[owner] ?? 'none'}`,
      );
    }
  }
  const tables: Record<string, TableDump> = {};
  let rows = 0;
  for (const [name, dump] of Object.entries(state.tables ?? {})) {
    tables[name] = { columns: dump.columns, rows: dump.rows.map((row) => row.map(decodeValue)) };
    rows += dump.rows.length;
  }
  await nimbus.dropAllProviders();
  nimbus.db.restore(tables);
  for (const owner of nimbus.blobOwners()) await nimbus.blobsFor(owner).clear();
  await nimbus.blobs.clear();
  const blobEntries = Object.entries(state.blobs ?? {});
  for (const [key, base64] of blobEntries) {
    const slash = key.indexOf('/');
    const store = slash > 0 ? nimbus.blobsFor(key.slice(0, slash)) : nimbus.blobs;
    await store.put(slash > 0 ? key.slice(slash + 1) : key, Buffer.from(base64, 'base64'));
  }
  return { tables: Object.keys(tables).length, rows, blobs: blobEntries.length };
}
