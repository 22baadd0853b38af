/**
 * Deployment packages: a zip is checked when it arrives (it must unzip, name no path outside
 * its own directory, and unzip to at most 250 MB, as AWS's limits say:
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), kept as a blob, and
 * extracted into a directory of its own per code blob, which is a cache: after a restart it is
 * extracted again from the blob.
 *
 * Unix modes come from the zip's central directory (fflate does not report them), so that a
 * custom runtime's `bootstrap` keeps its execute bit. Symbolic links are not extracted: their
 * target could name anything on the machine.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { AwsError } from '../../errors/aws-error.js';
import { invalidZip, unzippedTooLarge, zippedTooLarge } from './errors.js';

/** The documented limits: 50 MB zipped (direct upload), 250 MB unzipped. */
export const maxZippedBytes = 52428800;
export const maxUnzippedBytes = 262144000;

export interface CodeFacts {
  /** Base64 of the zip's SHA-256, as CodeSha256 shows it. */
  sha256: string;
  size: number;
}

/** Whether a zip entry's name stays inside the directory it is extracted to. */
export function isSafeEntryName(name: string): boolean {
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) return false;
  return !name.split(/[/\\]/).some((part) => part === '..');
}

/** Checks a zip as CreateFunction and UpdateFunctionCode do; returns its hash and size. */
export function checkZip(zip: Buffer): CodeFacts {
  if (zip.length > maxZippedBytes) throw zippedTooLarge(maxZippedBytes);
  readEntries(zip);
  return { sha256: createHash('sha256').update(zip).digest('base64'), size: zip.length };
}

function readEntries(zip: Buffer): Record<string, Uint8Array> {
  let total = 0;
  try {
    return unzipSync(zip, {
      filter(file) {
        if (!isSafeEntryName(file.name)) throw invalidZip();
        total += file.originalSize;
        if (total > maxUnzippedBytes) throw unzippedTooLarge(maxUnzippedBytes);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof AwsError) throw error;
    throw invalidZip();
  }
}

const fileTypeMask = 0o170000;
const symlinkType = 0o120000;
const directoryType = 0o040000;

/**
 * The Unix mode of each entry whose creator recorded one (made-by host 3, Unix): the upper 16
 * bits of the external attributes (APPNOTE.txt 4.4.2, 4.4.15). Best effort: an archive this
 * cannot walk keeps fflate's default modes.
 */
export function unixModes(zip: Buffer): Map<string, number> {
  const modes = new Map<string, number>();
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) return modes;
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let index = 0; index < count; index++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) break;
    const host = zip.readUInt8(at + 5);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const attributes = zip.readUInt32LE(at + 38);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (host === 3 && attributes >>> 16 !== 0) modes.set(name, attributes >>> 16);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return modes;
}

/** Extracts a checked zip into `dir` (made whole under a temporary name, then renamed). */
export async function extractZip(zip: Buffer, dir: string): Promise<void> {
  const entries = readEntries(zip);
  const modes = unixModes(zip);
  const root = resolve(`${dir}.${randomBytes(4).toString('hex')}.tmp`);
  await mkdir(root, { recursive: true });
  try {
    for (const [name, bytes] of Object.entries(entries)) {
      const target = resolve(root, name);
      const rel = relative(root, target);
      // isSafeEntryName already refused these; this is the guarantee at the point of writing.
      if (rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(root, rel) !== target) throw invalidZip();
      const mode = modes.get(name);
      const type = mode === undefined ? 0 : mode & fileTypeMask;
      if (name.endsWith('/') || type === directoryType) {
        await mkdir(target, { recursive: true });
        continue;
      }
      if (type === symlinkType) continue;
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, bytes, { mode: mode === undefined ? 0o644 : (mode & 0o777) | 0o400 });
    }
    await rm(dir, { recursive: true, force: true });
    await rename(root, dir);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** Whether a directory exists (an extracted code directory). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Where a code blob is extracted under the work directory. */
export function codeDirectory(workDir: string, blobId: string): string {
  return join(workDir, 'code', blobId);
}

/** Copies directories into `dir` in order, a later one's files over an earlier one's (layers into /opt). */
export async function mergeDirectories(parts: string[], dir: string): Promise<void> {
  const root = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(root, { recursive: true });
  try {
    for (const part of parts) await cp(part, root, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
    await rename(root, dir);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
