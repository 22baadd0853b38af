/**
 * The texts DynamoDB's PartiQL front end answers with, in one place.
 *
 * Evidence, best first:
 * - shared/aws-reference/recorded-responses/services/dynamodb/test_dynamodb.snapshot.json
 *   (test_dynamodb_execute_statement_empy_parameter: an empty Parameters list is refused by the
 *   model's length check, which protocol/validate.ts already makes).
 * - The developer guide: INSERT of an existing key is DuplicateItemException
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.insert.html),
 *   an UPDATE whose WHERE matches no item is ConditionalCheckFailedException
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.update.html), a
 *   DELETE of no item succeeds (.../ql-reference.delete.html).
 * - The message catalog of the PartiQL layer DynamoDB Local ships
 *   (ddb.partiql.shared.exceptions.ValidationExceptionMessages; DynamoDB Local is AWS's own
 *   build of the same front end): the texts marked "catalog" below.
 * - Third-party suites that state they were characterised against AWS (eu-west-2): "Expected
 *   data manipulation" for a statement that is not DML, "Unexpected token after expression".
 * Texts marked "guessed" have no evidence beyond the PartiQL parser's error names.
 */
import { ValidationException } from '../../../errors/common.js';

const NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: ";

/** A syntax error, with the parser's reason after AWS's prefix. */
export function notWellFormed(detail: string): ValidationException {
  return new ValidationException(NOT_WELL_FORMED + detail);
}

export function invalid(message: string): ValidationException {
  return new ValidationException(message);
}

export const M = {
  // Syntax (the parser's reasons).
  expectedDml: 'Expected data manipulation',
  trailing: 'Unexpected token after expression',
  /** guessed: the name of PartiQL's PARSE_UNEXPECTED_TERM. */
  unexpectedTerm: 'Unexpected term',
  /** guessed: PARSE_UNEXPECTED_KEYWORD. */
  unexpectedKeyword: 'Unexpected keyword',
  /** guessed: the lexer's complaint. */
  invalidCharacter: 'Invalid character',

  // catalog
  parameterCount: "Number of parameters in request and statement don't match.",
  incompleteKey: 'Where clause does not contain a mandatory equality on all key attributes',
  duplicateItem: 'Duplicate primary key exists in table',
  existsOutsideTransaction: 'EXISTS can only be used in ExecuteTransaction write requests.',
  aliasing: 'Aliasing is not supported',
  starAndOthers: "Other attributes should not be present in the projection when '*' is used.",
  emptyBag: 'Empty bags are not supported',
  bagType: 'Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags',
  insertReturning: 'RETURNING is not supported in INSERT',
  deleteReturning: (text: string) =>
    `Invalid returning clause: RETURNING ${text}. Only RETURNING ALL OLD * is allowed in DELETE statements.`,
  returningStar: "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
  missingCompare: 'MISSING must be compared using IS operator',
  isType: (type: string) =>
    `Unsupported data type for IS operator: ${type}. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]`,
  unrecognizedFunction: (name: string) => `Unrecognized function: ${name}`,
  multipleKeyConditions: (name: string) =>
    `Multiple conditions on same key ${name}. Only single item Update/Insert/Delete are supported`,
  hashKeyCondition: (name: string) => `Only single equality condition should be present on hash key ${name}`,
  orderByWithoutWhere: 'Must have WHERE clause in the statement when using ORDER BY clause.',
  orderByWithoutHash:
    'Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.',
  orderByNotKey: (name: string) => `Variable reference ${name} in ORDER BY clause must be part of the primary key`,
  orderByHashNeeded:
    'Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.',
  indexWrite: 'This operation is not supported on an index',
  consistentGsi: 'Strongly consistent read is not supported on Global Secondary Indexes',
  invalidNextToken: 'Invalid NextToken',
  nextTokenMismatch: 'NextToken does not match request',
  keyAbsent: (name: string) => `Key attribute should be present in the item: Key ${name}`,
  keyType: (name: string) => `Key attribute's data type should match its data type in table's schema: Key ${name}`,
  setFunctionArguments: (op: string) => `SET_${op} must have exactly two arguments`,
  setFunctionFirst: (op: string) => `The first argument to SET_${op} must equal the assignment value`,
  setFunctionSecond: (op: string) => `The second argument to SET_${op} must be a value with type SET`,
  unsupportedOperation: (what: string) => `Unsupported operation: ${what}`,
  duplicateKeysInTuple: (key: string, under: string) => `Duplicate keys in tuple. Key: ${key} under ${under}`,
  tooManyReads: 'Too many decomposed read operations for a given query.',
  inOperator:
    'IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member',
  isOperand: 'The left hand side argument to IS must be a Variable Reference, Literal, or Path',
  whereBoolean: 'WHERE clause must contain an expression that resolves to a boolean',
  conditionOperator: (op: string) => `Unsupported operator in Condition Expression. Operator: ${op}`,
  unexpectedPath: 'Unexpected path component',
  itemFormat:
    'Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.',
  tupleKey: (type: string, under: string) => `Tuple keys must be of type String. Actual type: ${type} under ${under}`,
  keyNotScalar: (name: string) =>
    `Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key ${name}`,

  // Multi-statement requests (DynamoDB Local's ExecuteTransactionFunction and BatchExecuteStatementFunction).
  transactionMixed: 'ExecuteTransaction API does not support both read and write operations in the same request.',
  transactionRead: 'Select statements within ExecuteTransaction must specify the primary key in the where clause.',
  transactionIndex: 'Reads on indices are not supported within transactions.',
  transactionIndexWrite: 'Operations on indices are not supported in transactions',
  existsKey: 'EXISTS() must contain a single item read with additional condition',
  /** Characterised against AWS by a third-party suite (the match is on this text). */
  transactionReturning: 'RETURNING clause is not supported in ExecuteTransaction',
  transactionSameItem: 'Transaction request cannot include multiple operations on one item',
  batchMixed: 'Read and write requests together in the same batch is not supported.',
  batchSelect: 'Only single item select is supported',
} as const;
