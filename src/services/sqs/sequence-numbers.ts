/**
 * FIFO sequence numbers: 20 digits that grow within a queue, as AWS's do
 * ("SequenceNumber: 18849496460467696128"; https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
 * Nimbus counts per queue from a fixed 20-digit base.
 */
const base = 18_000_000_000_000_000_000n;

export function sequenceNumber(counter: number): string {
  return String(base + BigInt(counter));
}
