/**
 * IAM's pagination: `Marker` + `MaxItems` (1..1000, checked by the model; 100 when absent) in,
 * `IsTruncated` + `Marker` out. Markers are opaque to clients: here the base64 of the key the
 * last item of a page sorted by, tagged with the listing it belongs to, so that a marker from one
 * listing (or a made-up one) is refused rather than silently misread.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
 */
import { ValidationException } from '../../errors/common.js';

const defaultMaxItems = 100;

/** What a List operation answers besides its items. */
export interface PageInfo {
  IsTruncated: boolean;
  Marker?: string;
}

export function pageSize(maxItems: number | undefined): number {
  return maxItems ?? defaultMaxItems;
}

export function encodeMarker(listing: string, key: string): string {
  return Buffer.from(`${listing}\n${key}`, 'utf8').toString('base64');
}

/**
 * The key a marker carries, or '' (before everything) without one. A marker that is not one of
 * ours answers ValidationError; AWS's wording for it is not documented (see the report).
 */
export function decodeMarker(listing: string, marker: string | undefined): string {
  if (marker === undefined) return '';
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(marker) ? Buffer.from(marker, 'base64').toString('utf8') : '';
  const prefix = `${listing}\n`;
  if (!text.startsWith(prefix)) throw new ValidationException('Invalid Marker.');
  return text.slice(prefix.length);
}

/**
 * A page from rows fetched with `limit = size + 1`: the extra row only says that more follow.
 * `keyOf` gives the sort key the next page starts after.
 */
export function page<Row>(
  rows: Row[],
  size: number,
  listing: string,
  keyOf: (row: Row) => string,
): { rows: Row[]; info: PageInfo } {
  if (rows.length <= size) return { rows, info: { IsTruncated: false } };
  const kept = rows.slice(0, size);
  const last = kept[kept.length - 1] as Row;
  return { rows: kept, info: { IsTruncated: true, Marker: encodeMarker(listing, keyOf(last)) } };
}

/** A page of a list already in memory (tags, versions, access keys: a few dozen at most). */
export function pageInMemory<Item>(
  items: Item[],
  maxItems: number | undefined,
  marker: string | undefined,
  listing: string,
  keyOf: (item: Item) => string,
): { items: Item[]; info: PageInfo } {
  const after = decodeMarker(listing, marker);
  const start = marker === undefined ? 0 : items.findIndex((item) => keyOf(item) === after) + 1;
  if (marker !== undefined && start === 0) throw new ValidationException('Invalid Marker.');
  const size = pageSize(maxItems);
  const { rows, info } = page(items.slice(start, start + size + 1), size, listing, keyOf);
  return { items: rows, info };
}
