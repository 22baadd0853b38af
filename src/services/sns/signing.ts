/**
 * SNS message signatures. Every notification and confirmation SNS sends carries a Signature over
 * its fields and a SigningCertURL that Nimbus serves, so that code which verifies messages as AWS
 * documents it (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html)
 * runs unchanged: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA.
 *
 * The key is RSA-1024 (AWS's certificates are 2048-bit): a 2048-bit signature costs 0.7 ms on
 * this machine's cores and a publish signs once, so it would cap a topic near 1,400 publishes a
 * second; 1024-bit costs 0.11 ms. The key and its self-signed certificate are made on first use
 * and kept in the database, so that signatures verify across restarts.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { SigningRow, SnsStore } from './store.js';

export class Signer {
  readonly #store: SnsStore;
  #row: SigningRow | undefined;
  #key: ReturnType<typeof createPrivateKey> | undefined;

  constructor(store: SnsStore) {
    this.#store = store;
  }

  /** Forgets the loaded key (after a reset or import replaced the table). */
  forget(): void {
    this.#row = undefined;
    this.#key = undefined;
  }

  #load(): SigningRow {
    if (this.#row) return this.#row;
    let row = this.#store.signing();
    if (!row) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const certId = randomBytes(16).toString('hex');
      row = {
        cert_id: certId,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
        certificate: selfSignedCertificate(privateKey, `sns.amazonaws.com`),
      };
      this.#store.saveSigning(row);
    }
    this.#row = row;
    this.#key = createPrivateKey(row.private_key);
    return row;
  }

  /** The file name part of SigningCertURL (`SimpleNotificationService-<id>.pem`). */
  certificateName(): string {
    return `SimpleNotificationService-${this.#load().cert_id}.pem`;
  }

  certificatePem(): string {
    return this.#load().certificate;
  }

  /**
   * The signature of a message: the named fields as "Name\nvalue\n", in the order AWS lists
   * them for the message's type, signed with SHA1 (version 1) or SHA256 (version 2).
   */
  sign(fields: ReadonlyArray<readonly [string, string | undefined]>, version: '1' | '2'): string {
    this.#load();
    return sign(version === '2' ? 'sha256' : 'sha1', stringToSign(fields), this.#key as never).toString('base64');
  }

  /** The same, computed on libuv's thread pool so that the event loop goes on meanwhile. */
  signAsync(fields: ReadonlyArray<readonly [string, string | undefined]>, version: '1' | '2'): Promise<string> {
    this.#load();
    return new Promise((resolve, reject) => {
      sign(version === '2' ? 'sha256' : 'sha1', stringToSign(fields), this.#key as never, (error, signature) => {
        if (error) reject(error);
        else resolve(signature.toString('base64'));
      });
    });
  }
}

function stringToSign(fields: ReadonlyArray<readonly [string, string | undefined]>): Buffer {
  let text = '';
  for (const [name, value] of fields) if (value !== undefined) text += `${name}\n${value}\n`;
  return Buffer.from(text, 'utf8');
}

// A minimal DER writer for one self-signed X.509 v3 certificate: Node can parse certificates but
// not make them, and this is all a verifier reads (subject, validity, public key, signature).

function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else if (length < 0x100) header = Buffer.from([tag, 0x81, length]);
  else header = Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, content]);
}

const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const sha256WithRsa = sequence(Buffer.from('06092a864886f70d01010b', 'hex'), Buffer.from('0500', 'hex'));

function name(commonName: string): Buffer {
  const cn = sequence(Buffer.from('0603550403', 'hex'), der(0x0c, Buffer.from(commonName, 'utf8')));
  return sequence(der(0x31, cn));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

function selfSignedCertificate(privateKey: ReturnType<typeof createPrivateKey>, commonName: string): string {
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const serial = randomBytes(12);
  // A DER INTEGER is positive with its top bit clear, and minimal: a first byte of 0 would be
  // padding that parsers refuse ("illegal padding"), so the first byte is 0x40..0x7f.
  serial[0] = ((serial[0] as number) & 0x3f) | 0x40;
  const now = Date.now();
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    sha256WithRsa,
    name(commonName),
    sequence(time(new Date(now - 86_400_000)), time(new Date(now + 20 * 365 * 86_400_000))),
    name(commonName),
    publicKey,
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, sha256WithRsa, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}
