/**
 * Item size as AWS counts it for the 400 KB limit and for capacity units
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * each attribute is its name's UTF-8 bytes plus its value's bytes; strings are UTF-8 bytes,
 * binaries raw bytes, numbers about one byte per two significant digits plus one (see
 * `numberSize`), null and booleans 1 byte, lists and maps 3 bytes plus 1 byte per element.
 * Where we approximate: sets count the sum of their members with no overhead (the page gives none),
 * and a number's size follows base-100 digit pairs, which AWS's "approximately" leaves open.
 */
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import type { Item } from './attribute-values.js';
import { numberSize } from './numbers.js';

/** 400 KB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items */
export const MAX_ITEM_SIZE = 400 * 1024;
/** PutItem, BatchWriteItem, TransactWriteItems (dynalite test/putItem.js, recorded against AWS). */
export const ITEM_TOO_LARGE = 'Item size has exceeded the maximum allowed size';
/** UpdateItem (dynalite test/updateItem.js, "should return ValidationException if update item is too big"). */
export const UPDATED_ITEM_TOO_LARGE = 'Item size to update has exceeded the maximum allowed size';

function utf8Length(text: string): number {
  // ASCII-only strings (the common case) need no encoding pass.
  const length = text.length;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) > 0x7f) return Buffer.byteLength(text, 'utf8');
  return length;
}

/** The bytes a value counts for, without its attribute name. */
export function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Length(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) {
    let size = 3;
    for (const name in value.M) size += utf8Length(name) + attributeValueSize(value.M[name]!) + 1;
    return size;
  }
  if (value.L !== undefined) {
    let size = 3;
    for (const element of value.L) size += attributeValueSize(element) + 1;
    return size;
  }
  let size = 0;
  if (value.SS !== undefined) for (const member of value.SS) size += utf8Length(member);
  else if (value.NS !== undefined) for (const member of value.NS) size += numberSize(member);
  else if (value.BS !== undefined) for (const member of value.BS) size += member.byteLength;
  return size;
}

/** The size of a whole item in bytes. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const name in item) size += utf8Length(name) + attributeValueSize(item[name]!);
  return size;
}
