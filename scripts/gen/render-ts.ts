/** Renders a botocore model as TypeScript: shape types, the operation interface, error classes. */
import type { BotocoreModel, BotocoreShape, BotocoreShapeRef } from './compact.js';
import { methodName, pascal, propertyKey, typeName } from './names.js';

const primitiveTypes: Record<string, string> = {
  string: 'string',
  character: 'string',
  boolean: 'boolean',
  byte: 'number',
  short: 'number',
  integer: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bigdecimal: 'number',
  biginteger: 'number',
  timestamp: 'Date',
  blob: 'Uint8Array',
};

function isDeclared(shape: BotocoreShape): boolean {
  if (shape.type === 'string') return Array.isArray(shape.enum);
  return !(shape.type in primitiveTypes);
}

function refType(model: BotocoreModel, ref: BotocoreShapeRef): string {
  const shape = model.shapes[ref.shape];
  if (!shape) throw new Error(`unknown shape ${ref.shape}`);
  if (shape.document) return 'unknown';
  if (isDeclared(shape)) return typeName(ref.shape);
  if (shape.type === 'blob' && (shape.streaming || ref.streaming)) return 'StreamingBlob';
  return primitiveTypes[shape.type] ?? 'unknown';
}

function renderStructure(model: BotocoreModel, name: string, shape: BotocoreShape): string {
  const required = new Set(shape.required ?? []);
  const lines = Object.entries(shape.members ?? {}).map(([member, ref]) => {
    const target = model.shapes[ref.shape];
    let type = refType(model, ref);
    if (target?.eventstream) type = `AsyncIterable<${type}>`;
    const optional = required.has(member) && !shape.union ? '' : '?';
    return `  ${propertyKey(member)}${optional}: ${type};\n`;
  });
  return `export interface ${typeName(name)} {\n${lines.join('')}}\n`;
}

export function renderTypes(model: BotocoreModel): string {
  const out: string[] = [];
  let usesStreaming = false;
  for (const [name, shape] of Object.entries(model.shapes).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (shape.document || !isDeclared(shape)) continue;
    switch (shape.type) {
      case 'string':
        out.push(
          `export type ${typeName(name)} = ${(shape.enum ?? []).map((v) => JSON.stringify(v)).join(' | ') || 'string'};\n`,
        );
        break;
      case 'structure': {
        const text = renderStructure(model, name, shape);
        if (text.includes('StreamingBlob')) usesStreaming = true;
        out.push(text);
        break;
      }
      case 'list':
        if (shape.member) out.push(`export type ${typeName(name)} = ${refType(model, shape.member)}[];\n`);
        break;
      case 'map':
        if (shape.value)
          out.push(`export type ${typeName(name)} = { [key: string]: ${refType(model, shape.value)} };\n`);
        break;
      default:
        break;
    }
  }
  const imports = usesStreaming ? "import type { StreamingBlob } from '../../protocol/model-types.js';\n\n" : '';
  return imports + out.join('');
}

export function renderOperations(model: BotocoreModel, serviceId: string): string {
  const names = Object.keys(model.operations).sort();
  const table = names.map((name) => `  ${name}: ${JSON.stringify(methodName(name))},\n`).join('');
  const methods = names
    .map((name) => {
      const operation = model.operations[name];
      const input = operation?.input ? `T.${typeName(operation.input.shape)}` : 'Record<string, never>';
      const output = operation?.output ? `T.${typeName(operation.output.shape)}` : 'void';
      return `  ${methodName(name)}(ctx: Context, input: ${input}): Awaitable<${output}>;\n`;
    })
    .join('');
  const typeImport = names.some((n) => model.operations[n]?.input || model.operations[n]?.output)
    ? "import type * as T from './types.js';\n\n"
    : '';
  return (
    typeImport +
    'type Awaitable<Value> = Value | Promise<Value>;\n\n' +
    `/** Operation name -> provider method name. */\nexport const ${serviceId}Operations = {\n${table}} as const;\n\n` +
    `/** What a provider implements: one method per operation, taking (ctx, input). */\n` +
    `export interface ${pascal(serviceId)}Operations<Context = unknown> {\n${methods}}\n`
  );
}

export function renderErrors(model: BotocoreModel): string {
  const exceptions = Object.entries(model.shapes)
    .filter(([, shape]) => shape.exception)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const classes = exceptions.map(([name, shape]) => {
    const error = shape.error ?? {};
    const status = error.httpStatusCode ?? (shape.fault ? 500 : 400);
    const senderFault = error.senderFault ?? (shape.fault ? false : status < 500);
    const spec: string[] = [`code: ${JSON.stringify(name)}`];
    if (error.code && error.code !== name) spec.push(`queryCode: ${JSON.stringify(error.code)}`);
    spec.push(`status: ${status}`, `senderFault: ${senderFault}`);
    return (
      `export class ${typeName(name)} extends AwsError {\n` +
      `  constructor(message: string, members: Partial<T.${typeName(name)}> = {}) {\n` +
      `    super({ ${spec.join(', ')} }, message, members);\n` +
      '  }\n}\n'
    );
  });
  if (classes.length === 0) return 'export {};\n';
  return (
    "import { AwsError } from '../../errors/aws-error.js';\nimport type * as T from './types.js';\n\n" +
    classes.join('\n')
  );
}
