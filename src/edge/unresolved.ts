/**
 * The answer to a request that names no service Nimbus knows, or that fails before a
 * protocol is chosen: the error in the shape its wire family expects (JSON or XML), so that
 * an SDK still reads a code and a message.
 */
import type { AwsError } from '../errors/aws-error.js';
import type { HttpResponse } from '../protocol/types.js';
import { escapeXml } from '../protocol/xml/writer.js';
import { type RequestShape, wireFamily } from '../resolve/resolve-service.js';

export function unresolvedResponse(shape: RequestShape, requestId: string, error?: AwsError): HttpResponse {
  const code = error?.code ?? 'UnknownOperationException';
  const status = error?.status ?? 400;
  const message =
    error?.message ??
    (shape.headers['x-amz-target']
      ? `Nimbus knows no service whose X-Amz-Target prefix is that of ${shape.headers['x-amz-target']}`
      : `Nimbus could not tell which service ${shape.method} ${shape.path} is for`);
  const family = wireFamily(shape);
  if (family === 'json' || family === 'smithy-rpc-v2-cbor') {
    return {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: JSON.stringify({ __type: code, message }),
    };
  }
  const xmlCode = error?.wireQueryCode ?? code;
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse><Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(xmlCode)}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}
