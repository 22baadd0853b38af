/**
 * SQS's query protocol, as the older clients (AWS CLI 2.9, boto3 1.26, the Java SDK v1) speak
 * it. Differences from plain awsQuery, each with its evidence:
 * - a request may be sent to the queue's URL (`POST /123456789012/name`) without a QueueUrl
 *   parameter; the path names the queue, and a QueueUrl parameter wins over it. CreateQueue
 *   and ListQueues sent to a queue URL are `InvalidAction` "The action X is not valid for this
 *   endpoint." (LocalStack's AWS-validated TestSqsQueryApi: test_overwrite_queue_url_in_params,
 *   test_send_message_via_queue_url...);
 * - an unknown action is "The action X is not valid for this endpoint.";
 * - a missing queue reads "The specified queue does not exist for this wsdl version."
 *   (shared/aws-reference/recorded-responses/services/sqs/test_sqs.snapshot.json:
 *   test_non_existent_queue/queue-does-not-exist-query);
 * - every error carries an empty `<Detail/>` (botocore shows `"Detail": null` in the same
 *   recordings; an AWS body is quoted in aws/aws-sdk-php issue 630).
 */
import { type AwsError, errorType } from '../../errors/aws-error.js';
import { MissingParameter } from '../../errors/common.js';
import { UnknownOperationException } from '../../errors/framework.js';
import type { Operation, ServiceModel } from '../model-types.js';
import type { HttpRequest, HttpResponse, Input, ResponseContext } from '../types.js';
import { QueryProtocol } from './index.js';
import { flattenedItemName, memberName, resolveAction } from './parse.js';
import { errorMembers, escapeText, responseNamespace, xmlResponse } from './serialize.js';

const queuePath = /^\/\d{12}\/[^/]+$/;

/**
 * A GET of a queue URL with no Action: 404 with an `<UnknownOperationException` body
 * (LocalStack's AWS-validated TestSqsQueryApi::test_get_queue_without_action_returns_unknown_operation).
 */
class QueueUrlWithoutAction extends errorType('UnknownOperationException', 404) {
  constructor() {
    super('');
  }
}
const notForQueueUrls = new Set(['CreateQueue', 'ListQueues']);

/**
 * A batch without entries names the first entry's first required key, as the query form spells
 * it: "The request must contain the parameter SendMessageBatchRequestEntry.1.Id." (ali-essam/wtsqs
 * issue 7; aws/aws-sdk-js issue 2388 quotes DeleteMessageBatchRequestEntry.1.Id).
 */
function missingEntries(operation: Operation, input: Input): void {
  for (const member of operation.input?.members ?? []) {
    if (!member.required || member.shape.type !== 'list' || input[member.name] !== undefined) continue;
    const element = member.shape.member?.shape;
    const first = element?.members.find((item) => item.required);
    if (!first) continue;
    throw new MissingParameter(`${flattenedItemName(member)}.1.${memberName(first)}`);
  }
}

export class SqsQueryProtocol extends QueryProtocol {
  override resolveOperation(model: ServiceModel, request: HttpRequest): Operation {
    let operation: Operation;
    try {
      operation = resolveAction(model, request);
    } catch (error) {
      if (error instanceof UnknownOperationException && error.wireQueryCode === 'InvalidAction') {
        throw new UnknownOperationException(error.message.replace('web service', 'endpoint'), 'InvalidAction');
      }
      if (error instanceof UnknownOperationException && request.method === 'GET' && queuePath.test(request.path)) {
        throw new QueueUrlWithoutAction();
      }
      throw error;
    }
    if (queuePath.test(request.path) && notForQueueUrls.has(operation.name)) {
      throw new UnknownOperationException(
        `The action ${operation.name} is not valid for this endpoint.`,
        'InvalidAction',
      );
    }
    return operation;
  }

  override parseRequest(model: ServiceModel, operation: Operation, request: HttpRequest): Input {
    const input = super.parseRequest(model, operation, request);
    missingEntries(operation, input);
    if (input.QueueUrl === undefined && operation.input?.memberMap.has('QueueUrl') && queuePath.test(request.path)) {
      input.QueueUrl = `http://${request.headers.host ?? 'localhost'}${request.path}`;
    }
    return input;
  }

  override serializeError(
    model: ServiceModel,
    _operation: Operation | undefined,
    error: AwsError,
    ctx: ResponseContext,
  ): HttpResponse {
    // AWS's front end answers a bare GET of a queue URL with its generic 404 body.
    if (error instanceof QueueUrlWithoutAction) {
      return xmlResponse(404, 'text/xml', ctx.requestId, '<UnknownOperationException/>');
    }
    const text =
      error.code === 'QueueDoesNotExist' ? 'The specified queue does not exist for this wsdl version.' : error.message;
    const message = text === '' ? '' : `<Message>${escapeText(text)}</Message>`;
    const body =
      `<ErrorResponse${responseNamespace(model)}><Error><Type>${error.senderFault ? 'Sender' : 'Receiver'}</Type>` +
      `<Code>${escapeText(error.wireQueryCode)}</Code>${message}${errorMembers(model, error)}<Detail/></Error>` +
      `<RequestId>${escapeText(ctx.requestId)}</RequestId></ErrorResponse>`;
    const response = xmlResponse(error.status, 'text/xml', ctx.requestId, body);
    if (error.headers) Object.assign(response.headers, error.headers);
    return response;
  }
}
