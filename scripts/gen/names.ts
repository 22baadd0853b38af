/** Names the generator derives from model names, in one place. */

/** `cognito-idp` -> `cognitoIdp`, `sqs-query` -> `sqsQuery`. */
export function serviceIdentifier(folder: string): string {
  return folder.replace(/[-_.]([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}

/** `cognitoIdp` -> `CognitoIdp`. */
export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Operation name -> provider method name: `CreateUser` -> `createUser`. */
export function methodName(operation: string): string {
  return operation.charAt(0).toLowerCase() + operation.slice(1);
}

const identifier = /^[A-Za-z_$][\w$]*$/;

/** A member name as an object key: bare when it can be, quoted otherwise. */
export function propertyKey(name: string): string {
  return identifier.test(name) ? name : JSON.stringify(name);
}

/**
 * Shape names that would hide a global the generated files use. Primitive shapes are inlined
 * and never declared, so only aggregate shapes with these names are renamed.
 */
const globalsUsed = new Set(['Date', 'Uint8Array', 'Promise', 'AwsError', 'StreamingBlob']);

export function typeName(shape: string): string {
  return globalsUsed.has(shape) ? `${shape}Shape` : shape;
}
