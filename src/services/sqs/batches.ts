/**
 * What the three batch operations share: the checks that fail the whole request (no entries,
 * more than 10, an id that is malformed or repeated), and the split into Successful and Failed
 * entries for everything else. A failed entry carries the code a query client would read.
 * Texts: shared/aws-reference/recorded-responses/services/sqs/test_sqs.snapshot.json
 * (test_too_many_entries_in_batch_request, test_invalid_batch_id, test_delete_message_batch_invalid_msg_id).
 */
import { AwsError } from '../../errors/aws-error.js';
import type * as T from '../../generated/sqs/types.js';
import { emptyBatch, idsNotDistinct, invalidBatchEntryId, tooManyEntries } from './errors.js';

const maxEntries = 10;
const idPattern = /^[A-Za-z0-9_-]{1,80}$/;

/** `operation` names the entry type in the empty-batch message: `SendMessageBatch`, `DeleteMessageBatch`... */
export function checkBatch(entries: ReadonlyArray<{ Id: string }> | undefined, operation: string): void {
  if (!entries || entries.length === 0) throw emptyBatch(operation);
  if (entries.length > maxEntries) throw tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const entry of entries) {
    if (typeof entry.Id !== 'string' || !idPattern.test(entry.Id)) throw invalidBatchEntryId();
    if (seen.has(entry.Id)) throw idsNotDistinct(entry.Id);
    seen.add(entry.Id);
  }
}

/**
 * Runs `work` per entry; an AwsError becomes that entry's failure, anything else propagates.
 * An empty list is left out of the answer, as AWS leaves it out
 * (test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size has no Failed).
 */
export function eachEntry<Entry extends { Id: string }, Result>(
  entries: readonly Entry[],
  work: (entry: Entry) => Result,
): { Successful?: Array<Result & { Id: string }>; Failed?: T.BatchResultErrorEntry[] } {
  const Successful: Array<Result & { Id: string }> = [];
  const Failed: T.BatchResultErrorEntry[] = [];
  for (const entry of entries) {
    try {
      Successful.push({ Id: entry.Id, ...work(entry) });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      Failed.push({ Id: entry.Id, SenderFault: error.senderFault, Code: error.wireQueryCode, Message: error.message });
    }
  }
  const out: { Successful?: Array<Result & { Id: string }>; Failed?: T.BatchResultErrorEntry[] } = {};
  if (Successful.length > 0) out.Successful = Successful;
  if (Failed.length > 0) out.Failed = Failed;
  return out;
}
