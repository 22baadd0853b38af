/**
 * Applying a checked update to an item, and projecting document paths out of an item.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
 *
 * - Every operand is read from the item as it was before the update (dynalite
 *   test/updateItem.js, "should update nested attributes", recorded against AWS: `c[2] = b.c`
 *   sees the old `b.c` although `b.c` is set in the same expression).
 * - SET on a list index past the end appends; several such appends land in index order.
 * - A nested path whose parent is missing or of the wrong type fails with "The document path
 *   provided in the update expression is invalid for update"; a missing operand with "The provided
 *   expression refers to an attribute that does not exist in the item".
 * Containers are copied on write, so the old item is never changed.
 */
import { ValidationException } from '../../../errors/common.js';
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import type { Item } from '../values/attribute-values.js';
import { binaryKey } from '../values/compare.js';
import { addNumbers, subtractNumbers } from '../values/numbers.js';
import type { Node, PathElement, UpdateSection } from './ast.js';
import { valueAt } from './evaluate.js';

export interface ResolvedAction {
  section: UpdateSection;
  path: PathElement[];
  value?: Node;
}

const INVALID_PATH = 'The document path provided in the update expression is invalid for update';
const MISSING_OPERAND = 'The provided expression refers to an attribute that does not exist in the item';
const WRONG_TYPE = 'An operand in the update expression has an incorrect data type';
/** AttributeUpdates' wording (dynalite test/updateItem.js, "should return ValidationException if trying to delete/add incorrect types"). */
const LEGACY_WRONG_TYPE = 'Type mismatch for attribute to update';

function setValue(node: Node, old: Item): AttributeValue {
  switch (node.kind) {
    case 'value':
      return node.value;
    case 'path': {
      const value = valueAt(old, node.path);
      if (value === undefined) throw new ValidationException(MISSING_OPERAND);
      return value;
    }
    case 'arithmetic': {
      const left = setValue(node.left, old);
      const right = setValue(node.right, old);
      if (left.N === undefined || right.N === undefined) throw new ValidationException(WRONG_TYPE);
      return { N: node.operator === '+' ? addNumbers(left.N, right.N) : subtractNumbers(left.N, right.N) };
    }
    case 'call': {
      const [first, second] = node.args as [Node, Node];
      if (node.name === 'if_not_exists') {
        return (first.kind === 'path' ? valueAt(old, first.path) : undefined) ?? setValue(second, old);
      }
      const left = setValue(first, old);
      const right = setValue(second, old);
      if (left.L === undefined || right.L === undefined) throw new ValidationException(WRONG_TYPE);
      return { L: [...left.L, ...right.L] };
    }
    default:
      throw new ValidationException(WRONG_TYPE);
  }
}

function copy(value: AttributeValue): AttributeValue {
  if (value.M !== undefined) return { M: { ...value.M } };
  if (value.L !== undefined) return { L: [...value.L] };
  return value;
}

/** The item being built: copies containers once, remembers appends and removals for the end. */
class Draft {
  readonly item: Item;
  private readonly copied = new Set<AttributeValue>();
  private readonly appends = new Map<AttributeValue, { index: number; value: AttributeValue }[]>();
  private readonly removals = new Map<AttributeValue, number[]>();

  constructor(base: Item) {
    this.item = { ...base };
  }

  private own(value: AttributeValue): AttributeValue {
    if (this.copied.has(value)) return value;
    const owned = copy(value);
    this.copied.add(owned);
    return owned;
  }

  /** The (copied) container that holds the last step of a nested path. */
  private parent(path: readonly PathElement[]): AttributeValue {
    const head = path[0] as string;
    const top = this.item[head];
    if (top === undefined) throw new ValidationException(INVALID_PATH);
    let current = this.own(top);
    this.item[head] = current;
    for (let i = 1; i < path.length - 1; i++) {
      const element = path[i]!;
      const child = typeof element === 'number' ? current.L?.[element] : current.M?.[element];
      if (child === undefined) throw new ValidationException(INVALID_PATH);
      const owned = this.own(child);
      if (typeof element === 'number') current.L![element] = owned;
      else current.M![element] = owned;
      current = owned;
    }
    const last = path[path.length - 1]!;
    if (typeof last === 'number' ? current.L === undefined : current.M === undefined) {
      throw new ValidationException(INVALID_PATH);
    }
    return current;
  }

  get(path: readonly PathElement[]): AttributeValue | undefined {
    return valueAt(this.item, path);
  }

  set(path: readonly PathElement[], value: AttributeValue): void {
    if (path.length === 1) {
      this.item[path[0] as string] = value;
      return;
    }
    const parent = this.parent(path);
    const last = path[path.length - 1]!;
    if (typeof last === 'string') {
      parent.M![last] = value;
    } else if (last < parent.L!.length) {
      parent.L![last] = value;
    } else {
      const pending = this.appends.get(parent) ?? [];
      pending.push({ index: last, value });
      this.appends.set(parent, pending);
    }
  }

  remove(path: readonly PathElement[]): void {
    if (path.length === 1) {
      delete this.item[path[0] as string];
      return;
    }
    const parent = this.parent(path);
    const last = path[path.length - 1]!;
    if (typeof last === 'string') {
      delete parent.M![last];
    } else {
      const pending = this.removals.get(parent) ?? [];
      pending.push(last);
      this.removals.set(parent, pending);
    }
  }

  finish(): Item {
    for (const [list, pending] of this.appends) {
      pending.sort((a, b) => a.index - b.index);
      for (const { value } of pending) list.L!.push(value);
    }
    for (const [list, indexes] of this.removals) {
      const length = list.L!.length;
      for (const index of [...new Set(indexes)].sort((a, b) => b - a)) if (index < length) list.L!.splice(index, 1);
    }
    return this.item;
  }
}

function union(existing: AttributeValue, added: AttributeValue, message: string): AttributeValue {
  if (existing.SS !== undefined && added.SS !== undefined) return { SS: [...new Set([...existing.SS, ...added.SS])] };
  if (existing.NS !== undefined && added.NS !== undefined) return { NS: [...new Set([...existing.NS, ...added.NS])] };
  if (existing.BS !== undefined && added.BS !== undefined) {
    const seen = new Set(existing.BS.map(binaryKey));
    return { BS: [...existing.BS, ...added.BS.filter((member) => !seen.has(binaryKey(member)))] };
  }
  throw new ValidationException(message);
}

function difference(existing: AttributeValue, removed: AttributeValue, message: string): AttributeValue | undefined {
  let result: AttributeValue;
  if (existing.SS !== undefined && removed.SS !== undefined) {
    const gone = new Set(removed.SS);
    result = { SS: existing.SS.filter((member) => !gone.has(member)) };
  } else if (existing.NS !== undefined && removed.NS !== undefined) {
    const gone = new Set(removed.NS);
    result = { NS: existing.NS.filter((member) => !gone.has(member)) };
  } else if (existing.BS !== undefined && removed.BS !== undefined) {
    const gone = new Set(removed.BS.map(binaryKey));
    result = { BS: existing.BS.filter((member) => !gone.has(binaryKey(member))) };
  } else {
    throw new ValidationException(message);
  }
  const members = result.SS ?? result.NS ?? result.BS!;
  return members.length === 0 ? undefined : result;
}

/**
 * The item after the actions (a new object). `legacy` selects AttributeUpdates' behaviour: ADD
 * also appends lists, and type mismatches use its wording.
 */
export function applyActions(
  actions: readonly ResolvedAction[],
  item: Item | undefined,
  key: Item,
  legacy: boolean,
): Item {
  const old = item ?? key;
  const draft = new Draft(item ?? key);
  const mismatch = legacy ? LEGACY_WRONG_TYPE : WRONG_TYPE;
  // Values first, all from the old item, then the writes.
  const values = actions.map((action) =>
    action.section === 'SET'
      ? setValue(action.value!, old)
      : action.value?.kind === 'value'
        ? action.value.value
        : undefined,
  );
  actions.forEach((action, i) => {
    const value = values[i];
    switch (action.section) {
      case 'SET':
        draft.set(action.path, value!);
        return;
      case 'REMOVE':
        draft.remove(action.path);
        return;
      case 'ADD': {
        const existing = draft.get(action.path);
        if (existing === undefined) draft.set(action.path, value!);
        else if (existing.N !== undefined && value!.N !== undefined)
          draft.set(action.path, { N: addNumbers(existing.N, value!.N) });
        else if (legacy && existing.L !== undefined && value!.L !== undefined)
          draft.set(action.path, { L: [...existing.L, ...value!.L] });
        else draft.set(action.path, union(existing, value!, mismatch));
        return;
      }
      case 'DELETE': {
        if (value === undefined) {
          draft.remove(action.path);
          return;
        }
        const existing = draft.get(action.path);
        if (existing === undefined) return;
        const rest = difference(existing, value, mismatch);
        if (rest === undefined) draft.remove(action.path);
        else draft.set(action.path, rest);
        return;
      }
    }
  });
  return draft.finish();
}

/**
 * The parts of an item at the given paths, nested as in the item; list elements picked by index
 * keep their order and close up (`c[1], c[4]` of a five-element list gives a two-element list).
 */
export function projectPaths(item: Item, paths: readonly (readonly PathElement[])[]): Item {
  const result: Item = {};
  const lists: AttributeValue[] = [];
  for (const path of paths) {
    const value = valueAt(item, path);
    if (value === undefined) continue;
    const head = path[0] as string;
    if (path.length === 1) {
      result[head] = value;
      continue;
    }
    let container = (result[head] ??= makeContainer(path[1]!, lists));
    for (let i = 1; i < path.length - 1; i++) {
      const element = path[i]!;
      const next = path[i + 1]!;
      if (typeof element === 'number') container = container.L![element] ??= makeContainer(next, lists);
      else container = container.M![element] ??= makeContainer(next, lists);
    }
    const last = path[path.length - 1]!;
    if (typeof last === 'number') container.L![last] = value;
    else container.M![last] = value;
  }
  // Holes left by indexes that were not picked close up; filter skips holes.
  for (const list of lists) list.L = list.L!.filter(() => true);
  return result;
}

function makeContainer(next: PathElement, lists: AttributeValue[]): AttributeValue {
  if (typeof next === 'string') return { M: {} };
  const list: AttributeValue = { L: [] };
  lists.push(list);
  return list;
}
