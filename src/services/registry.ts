/**
 * Every service Nimbus implements: one line each. A definition holds only its name, models
 * and resolution hints; its provider loads on first use.
 */
import { dynamodb } from './dynamodb/index.js';
import { firehose } from './firehose/index.js';
import { iam } from './iam/index.js';
import { kinesis } from './kinesis/index.js';
import { lambda } from './lambda/index.js';
import { logs } from './logs/index.js';
import { s3 } from './s3/index.js';
import type { ServiceDefinition } from './service-types.js';
import { sns } from './sns/index.js';
import { sqs } from './sqs/index.js';
import { sts } from './sts/index.js';

export const serviceRegistry: readonly ServiceDefinition[] = [
  dynamodb,
  firehose,
  iam,
  kinesis,
  lambda,
  logs,
  s3,
  sns,
  sqs,
  sts,
];
