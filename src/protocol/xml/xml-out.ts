/**
 * An XML document as it is written, piece by piece, ending as a string when it is small and as
 * UTF-8 bytes when it is large.
 *
 * Why not one string: a document built by `+=` is a rope, a tree of one node per concatenation,
 * and the first thing that needs its bytes (Buffer.byteLength for Content-Length, then the
 * socket's UTF-8 write) flattens the whole tree. A ListObjectsV2 page of 1,000 keys is about
 * 300 KB in some 18,000 nodes, allocated over a scavenge or two and scattered by it: flattening
 * it took 1.1 ms in the server (measured in respond.ts), as long as writing all of its XML, and
 * encoding it 0.5 ms more. Here the text gathers in a short rope that is encoded into one
 * growing buffer every `flushChars` characters, while its nodes are new and close together, and
 * a small document (most answers) never leaves its string.
 *
 * An element is opened with both of its forms, `<a>` and `<a/>`: the open tag is held back
 * until something is written inside it, so an element that stays empty becomes `<a/>` without
 * its writer knowing in advance whether it will have content.
 */

/** Characters gathered before they are encoded; a small document stays below it. */
const flushChars = 16_384;
/** The first buffer of a large document. */
const firstBytes = 65_536;

export class XmlOut {
  #text = '';
  #bytes: Buffer | undefined;
  #length = 0;
  /** The open tag of the innermost element opened with nothing written in it yet. */
  #heldOpen: string | undefined;
  #heldEmpty = '';

  /** Appends text (already escaped) inside the current element. */
  write(text: string): void {
    if (this.#heldOpen !== undefined) {
      this.#text += this.#heldOpen;
      this.#heldOpen = undefined;
    }
    this.#text += text;
    if (this.#text.length > flushChars) this.#flush();
  }

  /** Opens an element: `open` (`<a x="1">`) once it has content, `empty` (`<a x="1"/>`) if it never has. */
  open(open: string, empty: string): void {
    if (this.#heldOpen !== undefined) this.#text += this.#heldOpen;
    this.#heldOpen = open;
    this.#heldEmpty = empty;
  }

  /** Closes the element opened last: `close` (`</a>`), or its empty form if nothing was written in it. */
  close(close: string): void {
    if (this.#heldOpen !== undefined) {
      this.#text += this.#heldEmpty;
      this.#heldOpen = undefined;
    } else {
      this.#text += close;
    }
    if (this.#text.length > flushChars) this.#flush();
  }

  /** The document: its string if it stayed small, else its UTF-8 bytes. */
  finish(): string | Buffer {
    if (this.#heldOpen !== undefined) {
      this.#text += this.#heldOpen;
      this.#heldOpen = undefined;
    }
    if (this.#bytes === undefined) return this.#text;
    this.#flush();
    return this.#bytes.subarray(0, this.#length);
  }

  /** The document as a string, for the parts of a response that are strings (error bodies). */
  finishText(): string {
    const done = this.finish();
    return typeof done === 'string' ? done : done.toString('utf8');
  }

  #flush(): void {
    const text = this.#text;
    this.#text = '';
    // Room for the worst case, three bytes per UTF-16 unit, so that the write never splits a character.
    const needed = this.#length + text.length * 3;
    let bytes = this.#bytes;
    if (bytes === undefined || bytes.length < needed) {
      const grown = Buffer.allocUnsafe(Math.max(firstBytes, needed, (bytes?.length ?? 0) * 2));
      if (bytes !== undefined) bytes.copy(grown, 0, 0, this.#length);
      bytes = grown;
      this.#bytes = grown;
    }
    this.#length += bytes.write(text, this.#length, 'utf8');
  }
}
