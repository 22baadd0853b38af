/**
 * A value the JSON serializers write verbatim: text a service already holds in wire form (a
 * DynamoDB item as stored, a Kinesis record encoded once at write time). Splicing the stored
 * text into the response skips a decode and a re-encode per item, which is most of the cost of
 * a Query of 100 items or a GetRecords of 10,000 records.
 *
 * The service vouches that `text` is the member's exact JSON encoding under the protocol's
 * rules (blobs base64, timestamps as the member's format), since nothing checks it again.
 * Bytes (UTF-8) are taken too: a large page SQLite hands over as a BLOB then reaches the socket
 * without becoming a JavaScript string and bytes again (`writeJsonBody`).
 */
export class RawJson {
  constructor(readonly text: string | Buffer) {}
}
