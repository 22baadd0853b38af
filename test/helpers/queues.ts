/** Shared SQS reading for tests that check what a queue holds. */
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Receives until the queue answers empty (each message hidden for 10 minutes); returns the bodies. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
    );
    if (!Messages || Messages.length === 0) return bodies;
    for (const message of Messages) bodies.push(message.Body ?? '');
  }
}
