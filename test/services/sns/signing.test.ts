import assert from 'node:assert/strict';
import { createVerify, X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { Signer } from '../../../src/services/sns/signing.js';
import type { SigningRow, SnsStore } from '../../../src/services/sns/store.js';

/** A signer over a store that keeps nothing: each one makes a fresh key and certificate. */
function freshSigner(): Signer {
  let row: SigningRow | undefined;
  const store = {
    signing: () => row,
    saveSigning: (saved: SigningRow) => {
      row = saved;
    },
  } as unknown as SnsStore;
  return new Signer(store);
}

describe('SNS signing certificates', () => {
  test('every certificate made parses and verifies its own signatures (a random serial never pads its DER)', () => {
    // A serial whose first byte was 0 made about one certificate in 256 unreadable ("illegal padding").
    for (let i = 0; i < 64; i++) {
      const signer = freshSigner();
      const certificate = new X509Certificate(signer.certificatePem());
      const fields = [['Message', `m${i}`] as const, ['Type', 'Notification'] as const];
      const verifier = createVerify('RSA-SHA256');
      verifier.update(`Message\nm${i}\nType\nNotification\n`, 'utf8');
      assert.ok(verifier.verify(certificate.publicKey, signer.sign(fields, '2'), 'base64'));
    }
  });
});
