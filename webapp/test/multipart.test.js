// The streaming multipart reader against bodies cut into chunks of every size: parts come out whole, in order,
// byte for byte, with and without Content-Length; a body cut short is an error, never a short part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundaryOf, readParts } from '../src/multipart.js';

const enc = new TextEncoder();

function body(boundary, parts, withLength) {
  const chunks = [enc.encode('preamble\r\n')];
  parts.forEach((p, i) => {
    const head = `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: application/dicom\r\n`
      + (withLength ? `Content-Length: ${p.length}\r\n` : '') + '\r\n';
    chunks.push(enc.encode(head), p);
  });
  chunks.push(enc.encode(`\r\n--${boundary}--\r\n`));
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  chunks.forEach((c) => { all.set(c, at); at += c.length; });
  return all;
}

function streamOf(bytes, size) {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) { controller.close(); return; }
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

function randomPart(n, seed) {
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) p[i] = (i * 31 + seed * 7) & 0xff;
  // a delimiter-like run inside the data must not end the part when the length is known
  if (n > 40) p.set(enc.encode('\r\n--not-the-boundary'), 10);
  return p;
}

test('the boundary is read from the Content-Type, quoted or not', () => {
  assert.equal(boundaryOf('multipart/related; type="application/dicom"; boundary=abc-1'), 'abc-1');
  assert.equal(boundaryOf('multipart/related; boundary="q u"; type="application/dicom"'), 'q u');
  assert.equal(boundaryOf('application/json'), null);
});

for (const withLength of [true, false]) {
  for (const size of [1, 7, 64, 1000, 1 << 20]) {
    test(`parts arrive whole (Content-Length ${withLength}, chunks of ${size})`, async () => {
      const parts = [randomPart(5000, 1), randomPart(0, 2), randomPart(70000, 3), randomPart(13, 4)];
      const got = [];
      const n = await readParts(streamOf(body('b0undary', parts, withLength), size), 'b0undary',
        (bytes) => got.push(bytes));
      assert.equal(n, parts.length);
      assert.deepEqual(got, parts);
    });
  }
}

test('a body cut short is an error', async () => {
  const whole = body('b', [randomPart(3000, 5)], true);
  await assert.rejects(readParts(streamOf(whole.slice(0, 1500), 100), 'b', () => {}));
});
