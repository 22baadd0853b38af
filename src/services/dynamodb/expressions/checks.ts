/**
 * The checks AWS makes on a parsed expression, in the order it makes them, and the resolution of
 * `#names` and `:values`. The order and texts follow dynalite's test suite, recorded against AWS
 * (test/scan.js "validations", test/updateItem.js "validations"): redundant parentheses, then
 * unknown function names, then functions used in the wrong place, then reserved words; then, for
 * each condition in turn, undefined names or values, operand counts, operands that must be
 * distinct, and operand types.
 */
import type { AttributeValue } from '../../../generated/dynamodb/types.js';
import { type AttributeType, attributeType } from '../values/attribute-values.js';
import { compareValues } from '../values/compare.js';
import type { CallNode, Node, PathElement, PathNode, UpdateAction, ValueNode } from './ast.js';
import { ExpressionError, type ParsedUpdate } from './parser.js';
import { isReservedWord } from './reserved-words.js';

export interface Placeholders {
  names: Record<string, string> | undefined;
  values: Record<string, AttributeValue> | undefined;
  unusedNames: Set<string>;
  unusedValues: Set<string>;
}

const conditionFunctions: Record<string, number> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};
const updateFunctions: Record<string, number> = { if_not_exists: 2, list_append: 2 };
const typeNames = ['B', 'NULL', 'SS', 'BOOL', 'L', 'BS', 'N', 'NS', 'S', 'M'];

/** "[a, b, [1]]", the way AWS prints a document path. */
export function formatPath(path: readonly PathElement[]): string {
  return `[${path.map((element) => (typeof element === 'number' ? `[${element}]` : element)).join(', ')}]`;
}

function fail(message: string): never {
  throw new ExpressionError(message);
}

function children(node: Node): Node[] {
  switch (node.kind) {
    case 'compare':
    case 'and':
    case 'or':
    case 'arithmetic':
      return [node.left, node.right];
    case 'between':
      return [node.operand, node.low, node.high];
    case 'in':
      return [node.operand, ...node.list];
    case 'not':
      return [node.operand];
    case 'call':
      return node.args;
    default:
      return [];
  }
}

function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const child of children(node)) walk(child, visit);
}

function checkFunctionNames(root: Node, known: Record<string, number>): void {
  walk(root, (node) => {
    if (node.kind === 'call' && known[node.name] === undefined) fail(`Invalid function name; function: ${node.name}`);
  });
}

function checkReservedWords(paths: PathNode[]): void {
  for (const path of paths) {
    for (const element of path.raw) {
      if (typeof element !== 'number' && !element.placeholder && isReservedWord(element.text)) {
        fail(`Attribute name is a reserved keyword; reserved keyword: ${element.text}`);
      }
    }
  }
}

function collectPaths(root: Node, into: PathNode[]): PathNode[] {
  walk(root, (node) => {
    if (node.kind === 'path') into.push(node);
  });
  return into;
}

/** Resolves names and values below a node; the message of the first undefined one, if any. */
function resolve(root: Node, placeholders: Placeholders): string | undefined {
  let error: string | undefined;
  walk(root, (node) => {
    if (node.kind === 'path') error ??= resolvePath(node, placeholders);
    else if (node.kind === 'value') error ??= resolveValue(node, placeholders);
  });
  return error;
}

export function resolvePath(node: PathNode, placeholders: Placeholders): string | undefined {
  const path: PathElement[] = [];
  for (const element of node.raw) {
    if (typeof element === 'number') path.push(element);
    else if (!element.placeholder) path.push(element.text);
    else {
      const name = placeholders.names?.[element.text];
      if (name === undefined) {
        return `An expression attribute name used in the document path is not defined; attribute name: ${element.text}`;
      }
      placeholders.unusedNames.delete(element.text);
      path.push(name);
    }
  }
  node.path = path;
  return undefined;
}

export function resolveValue(node: ValueNode, placeholders: Placeholders): string | undefined {
  const value = placeholders.values?.[node.name];
  if (value === undefined) {
    return `An expression attribute value used in expression is not defined; attribute value: ${node.name}`;
  }
  placeholders.unusedValues.delete(node.name);
  node.value = value;
  return undefined;
}

function samePath(a: readonly PathElement[], b: readonly PathElement[]): boolean {
  return a.length === b.length && a.every((element, i) => element === b[i]);
}

/** The type an operand is known to have before any item is read (undefined for paths). */
function operandType(node: Node): AttributeType | undefined {
  if (node.kind === 'value') return attributeType(node.value);
  if (node.kind === 'call') {
    if (node.name === 'size') return 'N';
    if (node.name === 'list_append') return 'L';
  }
  if (node.kind === 'arithmetic') return 'N';
  return undefined;
}

function renderValue(value: AttributeValue): string {
  const type = attributeType(value)!;
  const member = value[type];
  const text = member instanceof Uint8Array ? Buffer.from(member).toString('base64') : String(member);
  return `AttributeValue: {${type}:${text}}`;
}

interface ConditionErrors {
  operands?: string;
  distinct?: string;
  function?: string;
}

function checkDistinct(operator: string, a: Node, b: Node, errors: ConditionErrors): void {
  if (errors.distinct || a.kind !== 'path' || b.kind !== 'path' || !samePath(a.path, b.path)) return;
  errors.distinct =
    'The first operand must be distinct from the remaining operands for this operator or function; ' +
    `operator: ${operator}, first operand: ${formatPath(a.path)}`;
}

function incorrectType(name: string, type: string): string {
  return `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`;
}

function checkCall(node: CallNode, known: Record<string, number>, errors: ConditionErrors): void {
  for (const arg of node.args) if (arg.kind === 'call') checkCall(arg, known, errors);
  if (node.args.length !== known[node.name]) {
    errors.operands ??=
      'Incorrect number of operands for operator or function; ' +
      `operator or function: ${node.name}, number of operands: ${node.args.length}`;
    return;
  }
  if (node.args.length === 2 && known === conditionFunctions)
    checkDistinct(node.name, node.args[0]!, node.args[1]!, errors);
  if (errors.function) return;
  const [first, second] = node.args as [Node, Node];
  switch (node.name) {
    case 'attribute_exists':
    case 'attribute_not_exists':
    case 'if_not_exists':
      if (first.kind !== 'path') {
        errors.function = `Operator or function requires a document path; operator or function: ${node.name}`;
      }
      return;
    case 'begins_with':
      for (const arg of node.args) {
        const type = operandType(arg);
        if (type !== undefined && type !== 'S' && type !== 'B') {
          errors.function = incorrectType(node.name, type);
          return;
        }
      }
      return;
    case 'attribute_type': {
      const type = operandType(second);
      if (type !== 'S') {
        errors.function = incorrectType(node.name, type ?? '{NS,SS,L,BS,N,M,B,BOOL,NULL,S}');
      } else if (second.kind === 'value' && !typeNames.includes(second.value.S!)) {
        errors.function = `Invalid attribute type name found; type: ${second.value.S}, valid types: {${typeNames.join(',')}}`;
      }
      return;
    }
    case 'size': {
      const type = operandType(first);
      if (type === 'N' || type === 'BOOL' || type === 'NULL') errors.function = incorrectType(node.name, type);
      return;
    }
    case 'list_append':
      for (const arg of node.args) {
        const type = operandType(arg);
        if (type !== undefined && type !== 'L') {
          errors.function = incorrectType(node.name, type);
          return;
        }
      }
      return;
    default:
      return;
  }
}

/** Operand checks of one condition (or one SET value), in AWS's order of precedence. */
function leafError(node: Node, placeholders: Placeholders, known: Record<string, number>): string | undefined {
  const unresolved = resolve(node, placeholders);
  if (unresolved) return unresolved;
  const errors: ConditionErrors = {};
  for (const child of [node, ...children(node)]) {
    if (child.kind === 'call') checkCall(child, known, errors);
    else if (child.kind === 'arithmetic') checkArithmetic(child.left, child.right, child.operator, known, errors);
  }
  if (node.kind === 'compare') {
    checkDistinct(node.operator, node.left, node.right, errors);
    if (node.operator !== '=' && node.operator !== '<>') checkOrdered(node.operator, [node.left, node.right], errors);
  } else if (node.kind === 'between') {
    checkOrdered('BETWEEN', [node.operand, node.low, node.high], errors);
    checkBounds(node.low, node.high, errors);
  } else if (node.kind === 'in' && node.list.length > 100) {
    errors.function ??= `The IN operator is provided with too many operands; number of operands: ${node.list.length}`;
  }
  return errors.operands ?? errors.distinct ?? errors.function;
}

function checkArithmetic(
  left: Node,
  right: Node,
  operator: string,
  known: Record<string, number>,
  errors: ConditionErrors,
) {
  for (const side of [left, right]) {
    if (side.kind === 'call') checkCall(side, known, errors);
    if (side.kind === 'arithmetic') checkArithmetic(side.left, side.right, side.operator, known, errors);
  }
  if (errors.function) return;
  for (const side of [left, right]) {
    const type = operandType(side);
    if (type !== undefined && type !== 'N') {
      errors.function = incorrectType(operator, type);
      return;
    }
  }
}

function checkOrdered(operator: string, operands: Node[], errors: ConditionErrors): void {
  if (errors.function) return;
  for (const operand of operands) {
    const type = operandType(operand);
    if (type !== undefined && type !== 'N' && type !== 'S' && type !== 'B') {
      errors.function = incorrectType(operator, type);
      return;
    }
  }
}

function checkBounds(low: Node, high: Node, errors: ConditionErrors): void {
  if (errors.function || low.kind !== 'value' || high.kind !== 'value') return;
  const lowType = attributeType(low.value);
  const highType = attributeType(high.value);
  const bounds = `lower bound operand: ${renderValue(low.value)}, upper bound operand: ${renderValue(high.value)}`;
  if (lowType !== highType) {
    errors.function = `The BETWEEN operator requires same data type for lower and upper bounds; ${bounds}`;
  } else if ((compareValues(low.value, high.value) ?? 0) > 0) {
    errors.function = `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${bounds}`;
  }
}

function isCondition(node: Node): boolean {
  return node.kind === 'and' || node.kind === 'or' || node.kind === 'not';
}

/** Leaf conditions in source order. */
function leaves(node: Node, into: Node[]): Node[] {
  if (isCondition(node)) for (const child of children(node)) leaves(child, into);
  else into.push(node);
  return into;
}

function checkMisusedFunctions(root: Node): void {
  const misuse = (name: string) =>
    fail(`The function is not allowed to be used this way in an expression; function: ${name}`);
  const visitOperand = (node: Node): void => {
    if (node.kind === 'call') {
      if (node.name !== 'size') misuse(node.name);
      node.args.forEach(visitOperand);
    }
  };
  for (const leaf of leaves(root, [])) {
    if (leaf.kind === 'call') {
      if (leaf.name === 'size') misuse('size');
      leaf.args.forEach(visitOperand);
    } else {
      children(leaf).forEach(visitOperand);
    }
  }
}

/** Checks a condition tree and resolves its names and values; throws ExpressionError. */
export function checkCondition(root: Node, redundantParentheses: boolean, placeholders: Placeholders): PathNode[] {
  if (redundantParentheses) fail('The expression has redundant parentheses;');
  checkFunctionNames(root, conditionFunctions);
  checkMisusedFunctions(root);
  const paths = collectPaths(root, []);
  checkReservedWords(paths);
  for (const leaf of leaves(root, [])) {
    const error = leafError(leaf, placeholders, conditionFunctions);
    if (error) fail(error);
  }
  return paths;
}

const addDeleteTypeNames: Record<AttributeType, string> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  BOOL: 'BOOLEAN',
  NULL: 'NULL',
  M: 'MAP',
  L: 'LIST',
  SS: 'SS',
  NS: 'NS',
  BS: 'BS',
};

/**
 * Checks an update and resolves its names and values; throws ExpressionError. The order differs
 * from conditions (dynalite db/updateParser.pegjs, whose order its AWS-recorded tests pin down):
 * reserved words, unknown functions, repeated sections, undefined names, undefined values,
 * overlapping then conflicting paths, ADD/DELETE operand types, then function operands.
 */
export function checkUpdate(
  update: ParsedUpdate,
  redundantParentheses: boolean,
  placeholders: Placeholders,
): PathNode[] {
  if (redundantParentheses) fail('The expression has redundant parentheses;');
  const paths: PathNode[] = [];
  const values: ValueNode[] = [];
  for (const action of update.actions) {
    paths.push(action.path);
    if (action.value) {
      walk(action.value, (node) => {
        if (node.kind === 'path') paths.push(node);
        else if (node.kind === 'value') values.push(node);
      });
    }
  }
  checkReservedWords(paths);
  for (const action of update.actions) if (action.value) checkFunctionNames(action.value, updateFunctions);
  const seen = new Set<string>();
  for (const section of update.sections) {
    if (seen.has(section)) fail(`The "${section}" section can only be used once in an update expression;`);
    seen.add(section);
  }
  for (const path of paths) {
    const error = resolvePath(path, placeholders);
    if (error) fail(error);
  }
  for (const value of values) {
    const error = resolveValue(value, placeholders);
    if (error) fail(error);
  }
  checkOverlaps(
    update.actions.map((action: UpdateAction) => action.path.path),
    'Two document paths',
  );
  for (const action of update.actions) {
    if (action.section !== 'ADD' && action.section !== 'DELETE') continue;
    const type = attributeType((action.value as ValueNode).value)!;
    const allowed = type === 'SS' || type === 'NS' || type === 'BS' || (type === 'N' && action.section === 'ADD');
    if (!allowed) {
      fail(
        `Incorrect operand type for operator or function; operator: ${action.section}, operand type: ${addDeleteTypeNames[type]}`,
      );
    }
  }
  for (const action of update.actions) {
    if (action.section !== 'SET') continue;
    const errors: ConditionErrors = {};
    const value = action.value!;
    if (value.kind === 'call') checkCall(value, updateFunctions, errors);
    else if (value.kind === 'arithmetic')
      checkArithmetic(value.left, value.right, value.operator, updateFunctions, errors);
    const error = errors.operands ?? errors.function;
    if (error) fail(error);
  }
  return paths;
}

/** Two paths may not overlap (one a prefix of the other) nor conflict (a name where the other has an index). */
export function checkOverlaps(paths: readonly PathElement[][], subject: string): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const a = paths[i]!;
      const b = paths[j]!;
      const shared = Math.min(a.length, b.length);
      let k = 0;
      while (k < shared && a[k] === b[k]) k++;
      if (k === shared) {
        fail(
          `${subject} overlap with each other; must remove or rewrite one of these paths; path one: ${formatPath(a)}, path two: ${formatPath(b)}`,
        );
      }
    }
  }
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const a = paths[i]!;
      const b = paths[j]!;
      let k = 0;
      while (a[k] === b[k]) k++;
      if (typeof a[k] !== typeof b[k]) {
        fail(
          `${subject} conflict with each other; must remove or rewrite one of these paths; path one: ${formatPath(a)}, path two: ${formatPath(b)}`,
        );
      }
    }
  }
}

/** Checks a projection and resolves its names; throws ExpressionError. */
export function checkProjection(paths: PathNode[], placeholders: Placeholders): void {
  checkReservedWords(paths);
  for (const path of paths) {
    const error = resolvePath(path, placeholders);
    if (error) fail(error);
  }
  checkOverlaps(
    paths.map((path) => path.path),
    'Two document paths',
  );
}
