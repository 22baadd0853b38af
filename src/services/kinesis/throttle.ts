/**
 * Per-shard write limits, as AWS reports them: 1 MiB and 1,000 records a second per shard
 * (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html); past them a put
 * answers ProvisionedThroughputExceededException, and a PutRecords entry that ErrorCode.
 *
 * Off unless NIMBUS_KINESIS_THROTTLE=1: a local stream is used for tests and load tests that push
 * far more through one shard than AWS would take, and throttling them would only make them
 * retry; turn it on to test a producer's back-off. Counted per second of Nimbus time, in memory.
 */
export class ShardThrottle {
  readonly enabled: boolean;
  readonly #windows = new Map<string, { second: number; bytes: number; records: number }>();

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** Counts a record of `bytes` against the shard; false if it would pass the shard's limits. */
  admit(streamId: number, shardIndex: number, bytes: number, now: number): boolean {
    if (!this.enabled) return true;
    const key = `${streamId}/${shardIndex}`;
    const second = Math.floor(now / 1000);
    let window = this.#windows.get(key);
    if (!window || window.second !== second) {
      window = { second, bytes: 0, records: 0 };
      this.#windows.set(key, window);
    }
    if (window.records + 1 > 1000 || window.bytes + bytes > 1024 * 1024) return false;
    window.records++;
    window.bytes += bytes;
    return true;
  }

  clear(): void {
    this.#windows.clear();
  }
}
