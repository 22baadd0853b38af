import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ConfirmSubscriptionCommand,
  GetSubscriptionAttributesCommand,
  PublishCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import type { NimbusCloud } from 'nimbus-aws';
import { startCloud } from '../../helpers/cloud.js';
import { assertSnsError, createTopic, invalidParameter, snsFor } from './sns-helpers.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP endpoint that records what SNS posts and answers with `status()`. */
class Endpoint {
  readonly received: Received[] = [];
  #waiters: Array<() => void> = [];
  status = 200;
  server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      this.received.push({ headers: req.headers, body });
      res.statusCode = this.status;
      res.end();
      for (const wake of this.#waiters.splice(0)) wake();
    });
  });

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sns-endpoint`;
  }

  /** Waits until `count` requests have arrived. */
  async waitFor(count: number): Promise<Received[]> {
    const deadline = Date.now() + 5000;
    while (this.received.length < count) {
      if (Date.now() > deadline) assert.fail(`expected ${count} requests, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.received;
  }
}

describe('SNS HTTP subscriptions', () => {
  let cloud: NimbusCloud;
  let sns: SNSClient;
  let endpoint: Endpoint;
  let url: string;
  let topicArn: string;
  before(async () => {
    cloud = await startCloud();
    sns = snsFor(cloud);
  });
  after(async () => {
    await cloud.stop();
    endpoint.close();
  });
  beforeEach(async () => {
    await cloud.reset();
    endpoint?.close();
    endpoint = new Endpoint();
    url = await endpoint.start();
    topicArn = await createTopic(sns, 'web');
  });

  async function confirmed(attributes?: Record<string, string>): Promise<string> {
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: url, Attributes: attributes }),
    );
    const [confirmation] = await endpoint.waitFor(1);
    const token = JSON.parse(confirmation?.body as string).Token;
    const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token }));
    return SubscriptionArn as string;
  }

  test('posts a SubscriptionConfirmation with AWS’s headers, text and a SubscribeURL that confirms', async () => {
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: url, ReturnSubscriptionArn: true }),
    );
    const [request] = await endpoint.waitFor(1);
    assert.equal(request?.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
    assert.equal(request?.headers['x-amz-sns-topic-arn'], topicArn);
    assert.equal(request?.headers['user-agent'], 'Amazon Simple Notification Service Agent');
    assert.equal(request?.headers['content-type'], 'text/plain; charset=UTF-8');
    const message = JSON.parse(request?.body as string);
    assert.equal(message.Type, 'SubscriptionConfirmation');
    assert.equal(
      message.Message,
      `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    );
    let attributes = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    assert.equal(attributes.Attributes?.PendingConfirmation, 'true');

    const visit = await fetch(message.SubscribeURL);
    assert.equal(visit.status, 200);
    assert.match(await visit.text(), new RegExp(`<SubscriptionArn>${SubscriptionArn}</SubscriptionArn>`));
    attributes = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    assert.equal(attributes.Attributes?.PendingConfirmation, 'false');
    assert.equal(attributes.Attributes?.ConfirmationWasAuthenticated, 'false');
  });

  test('posts notifications once confirmed, raw when asked, with the subscription’s headers', async () => {
    const subscriptionArn = await confirmed({ RawMessageDelivery: 'true' });
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'hello over http' }));
    const received = await endpoint.waitFor(2);
    const notification = received[1];
    assert.equal(notification?.body, 'hello over http');
    assert.equal(notification?.headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(notification?.headers['x-amz-sns-rawdelivery'], 'true');
    assert.equal(notification?.headers['x-amz-sns-subscription-arn'], subscriptionArn);
  });

  test('retries a failed delivery by the delivery policy on the Nimbus clock', async () => {
    await confirmed();
    endpoint.status = 500;
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'retry me' }));
    await endpoint.waitFor(2);
    endpoint.status = 200;
    // Let Nimbus read the 500 and schedule the retry before the clock moves.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The default policy waits 20 s before a retry: move the clock instead of waiting.
    await cloud.clock.advance(21);
    const received = await endpoint.waitFor(3);
    assert.equal(JSON.parse(received[2]?.body as string).Message, 'retry me');
  });

  test('tells a confirmed endpoint it was unsubscribed', async () => {
    const subscriptionArn = await confirmed();
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
    const received = await endpoint.waitFor(2);
    assert.equal(JSON.parse(received[1]?.body as string).Type, 'UnsubscribeConfirmation');
  });

  test('confirms and unsubscribes through the unsigned links for a topic of another region', async () => {
    const west = snsFor(cloud, 'eu-west-1');
    const westTopic = await createTopic(west, 'web-west');
    const { SubscriptionArn } = await west.send(
      new SubscribeCommand({ TopicArn: westTopic, Protocol: 'http', Endpoint: url, ReturnSubscriptionArn: true }),
    );
    const [confirmation] = await endpoint.waitFor(1);
    assert.equal((await fetch(JSON.parse(confirmation?.body as string).SubscribeURL)).status, 200);
    await west.send(new PublishCommand({ TopicArn: westTopic, Message: 'west' }));
    const [, notification] = await endpoint.waitFor(2);
    const unsubscribe = await fetch(JSON.parse(notification?.body as string).UnsubscribeURL);
    assert.equal(unsubscribe.status, 200);
    await assertSnsError(west.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), {
      code: 'NotFound',
      status: 404,
      message: 'Subscription does not exist',
    });
  });

  test('refuses a token it never gave, and a malformed one', async () => {
    await assertSnsError(
      sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: 'ab'.repeat(64) })),
      invalidParameter('Invalid parameter: Token'),
    );
    await assertSnsError(
      sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: '123' })),
      invalidParameter('Invalid token'),
    );
    await assertSnsError(
      sns.send(new ConfirmSubscriptionCommand({ TopicArn: 'nope', Token: '123' })),
      invalidParameter('Invalid parameter: Topic'),
    );
  });
});
