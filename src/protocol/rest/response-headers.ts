/**
 * Response headers gathered case-insensitively, as HTTP treats their names, while keeping the
 * spelling the model gives (`ETag`, `Last-Modified`) for the wire: a member bound to
 * `Content-Type` replaces the protocol's default instead of adding a second header.
 */
export class ResponseHeaders {
  private readonly entries = new Map<string, [name: string, value: string]>();

  set(name: string, value: string): void {
    this.entries.set(name.toLowerCase(), [name, value]);
  }

  /** `set` with the lower-case key already known (bindings keep it). */
  setKeyed(key: string, name: string, value: string): void {
    this.entries.set(key, [name, value]);
  }

  /** Sets a header only when no member has set it (the protocol's defaults). */
  setDefault(name: string, value: string): void {
    const key = name.toLowerCase();
    if (!this.entries.has(key)) this.entries.set(key, [name, value]);
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (const [name, value] of this.entries.values()) record[name] = value;
    return record;
  }
}
