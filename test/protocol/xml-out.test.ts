import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { XmlOut } from '../../src/protocol/xml/xml-out.js';

describe('XmlOut', () => {
  test('writes an element that stays empty in its empty form, and one with content in full', () => {
    const out = new XmlOut();
    out.open('<a x="1">', '<a x="1"/>');
    out.open('<b>', '<b/>');
    out.close('</b>');
    out.open('<c>', '<c/>');
    out.write('text');
    out.close('</c>');
    out.close('</a>');
    assert.equal(out.finish(), '<a x="1"><b/><c>text</c></a>');
  });

  test('answers a small document as a string', () => {
    const out = new XmlOut();
    out.write('<x/>');
    assert.equal(typeof out.finish(), 'string');
  });

  test('answers a large document as the UTF-8 bytes of the same text, whatever its characters', () => {
    const out = new XmlOut();
    let expected = '';
    out.open('<List>', '<List/>');
    expected += '<List>';
    for (let i = 0; i < 3000; i++) {
      const piece = `<Key>${i}-é-日本-😀-${'y'.repeat(i % 13)}</Key>`;
      out.write(piece);
      expected += piece;
      out.open('<Empty>', '<Empty/>');
      out.close('</Empty>');
      expected += '<Empty/>';
    }
    out.close('</List>');
    expected += '</List>';
    const done = out.finish();
    assert.ok(Buffer.isBuffer(done));
    assert.equal(done.toString('utf8'), expected);
    assert.equal(done.length, Buffer.byteLength(expected));
  });
});
