/**
 * The runtime model, linked: shapes point at shapes, members carry their traits. Built once per
 * service from the generated compact model (botocore's form without documentation) by
 * `linkModel` in model.ts; the protocol parsers and serializers walk it generically.
 */
import type { Readable } from 'node:stream';

/** A streaming blob: a request body not read into memory, or bytes to send. */
export type StreamingBlob = Readable | Uint8Array;

/** The metadata of one service, available at start-up without loading its model. */
export interface ServiceMetadata {
  /** The model folder name, e.g. `iam`, `sqs-query`, `cognito-idp`. */
  name: string;
  apiVersion: string;
  protocols: string[];
  serviceId: string;
  endpointPrefix: string;
  signingName: string;
  targetPrefix?: string;
  jsonVersion?: string;
  xmlNamespace?: string;
  awsQueryCompatible?: boolean;
  /** IAM, CloudFront, Route 53...: one endpoint for all regions. */
  global?: boolean;
  load: () => Promise<{ default: unknown }>;
}

export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'character'
  | 'boolean'
  | 'byte'
  | 'short'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'bigdecimal'
  | 'biginteger'
  | 'timestamp'
  | 'blob';

export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp';

export interface XmlNamespace {
  prefix?: string;
  uri: string;
}

export interface Shape {
  name: string;
  type: ShapeType;
  /** Structure members in model order. */
  members: Member[];
  /** Structure members by member name. */
  memberMap: Map<string, Member>;
  /** List element. */
  member?: Member;
  /** Map key and value. */
  key?: Member;
  value?: Member;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  locationName?: string;
  flattened?: boolean;
  timestampFormat?: TimestampFormat;
  union?: boolean;
  document?: boolean;
  /** Structure: the name of the member bound to the HTTP payload. */
  payload?: string;
  streaming?: boolean;
  requiresLength?: boolean;
  event?: boolean;
  eventstream?: boolean;
  xmlNamespace?: XmlNamespace;
  sensitive?: boolean;
  exception?: boolean;
  fault?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
}

export type MemberLocation = 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';

export interface Member {
  /** The member's name in its structure, or `member` / `key` / `value`. */
  name: string;
  shape: Shape;
  required: boolean;
  location?: MemberLocation;
  locationName?: string;
  queryName?: string;
  xmlNamespace?: XmlNamespace;
  xmlAttribute?: boolean;
  flattened?: boolean;
  jsonvalue?: boolean;
  timestampFormat?: TimestampFormat;
  hostLabel?: boolean;
  idempotencyToken?: boolean;
  streaming?: boolean;
  eventpayload?: boolean;
  eventheader?: boolean;
}

export interface HttpBinding {
  method: string;
  requestUri: string;
  responseCode?: number;
}

export interface Operation {
  name: string;
  http: HttpBinding;
  input?: Shape;
  /** Traits on the operation's input reference (rest-xml: the payload's root element). */
  inputRef?: { locationName?: string; xmlNamespace?: XmlNamespace };
  output?: Shape;
  /** Query protocol: the element that wraps the output (`CreateUserResult`). */
  resultWrapper?: string;
  errors: Shape[];
  /** `none` for operations AWS serves unsigned (AssumeRoleWithWebIdentity). */
  authtype?: string;
  auth?: string[];
  httpChecksum?: Record<string, unknown>;
  httpChecksumRequired?: boolean;
  unsignedPayload?: boolean;
}

export interface ServiceModelMetadata {
  apiVersion: string;
  protocol: string;
  protocols?: string[];
  serviceId?: string;
  endpointPrefix?: string;
  signingName?: string;
  targetPrefix?: string;
  jsonVersion?: string;
  xmlNamespace?: string;
  awsQueryCompatible?: object;
  globalEndpoint?: string;
  checksumFormat?: string;
}

export interface ServiceModel {
  metadata: ServiceModelMetadata;
  operations: Map<string, Operation>;
  shapes: Map<string, Shape>;
  /** Every exception shape by its shape name. */
  errorShapes: Map<string, Shape>;
}
