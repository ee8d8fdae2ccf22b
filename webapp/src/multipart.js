// A streaming reader of multipart/related bodies (RFC 2387) as WADO-RS sends them: each part is handed over as
// soon as its last byte has arrived, so the first image can be shown while the rest of the series is on its way.

const CRLFCRLF = [13, 10, 13, 10];

/** The boundary parameter of a multipart Content-Type header, or null. */
export function boundaryOf(contentType) {
  const m = /boundary=("?)([^";,]+)\1/i.exec(contentType || '');
  return m ? m[2] : null;
}

function indexOf(haystack, needle, from, end) {
  const last = end - needle.length;
  outer: for (let i = from; i <= last; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/**
 * Reads the parts of a multipart body from a ReadableStream of Uint8Array chunks, calling onPart(bytes, headers)
 * for each part in order. Parts with a Content-Length header are cut by it; others at the next delimiter.
 */
export async function readParts(stream, boundary, onPart) {
  const encoder = new TextEncoder();
  const delimiter = encoder.encode('--' + boundary);
  const nextDelimiter = encoder.encode('\r\n--' + boundary);
  const reader = stream.getReader();
  let buf = new Uint8Array(1 << 20);
  let start = 0; // first unconsumed byte
  let end = 0; // end of received bytes
  let done = false;
  let parts = 0;

  const pull = async () => {
    const { value, done: finished } = await reader.read();
    if (finished) {
      done = true;
      return;
    }
    if (end + value.length > buf.length) {
      const live = end - start;
      const size = Math.max(buf.length, (live + value.length) * 2);
      const grown = size > buf.length ? new Uint8Array(size) : buf;
      grown.set(buf.subarray(start, end), 0);
      buf = grown;
      start = 0;
      end = live;
    }
    buf.set(value, end);
    end += value.length;
  };

  // preamble up to the first delimiter
  for (;;) {
    const at = indexOf(buf, delimiter, start, end);
    if (at >= 0) {
      start = at + delimiter.length;
      break;
    }
    if (done) throw new Error('the response holds no multipart parts');
    await pull();
  }
  for (;;) {
    // after a delimiter: "--" ends the body, otherwise headers follow
    while (end - start < 2 && !done) await pull();
    if (buf[start] === 45 && buf[start + 1] === 45) return parts;
    let headerEnd;
    while ((headerEnd = indexOf(buf, CRLFCRLF, start, end)) < 0) {
      if (done) throw new Error('a multipart part ends inside its headers');
      await pull();
    }
    const headers = {};
    new TextDecoder().decode(buf.subarray(start, headerEnd)).split('\r\n').forEach((line) => {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    });
    start = headerEnd + 4;
    const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : -1;
    let bodyEnd;
    if (length >= 0) {
      while (end - start < length + nextDelimiter.length) {
        if (done) throw new Error('the response ended inside a part');
        await pull();
      }
      bodyEnd = start + length;
      if (indexOf(buf, nextDelimiter, bodyEnd, bodyEnd + nextDelimiter.length) !== bodyEnd) {
        throw new Error('a multipart part is longer than its Content-Length');
      }
    } else {
      let from = start;
      while ((bodyEnd = indexOf(buf, nextDelimiter, from, end)) < 0) {
        if (done) throw new Error('the response ended inside a part');
        from = Math.max(start, end - nextDelimiter.length);
        await pull();
      }
    }
    onPart(buf.slice(start, bodyEnd), headers);
    parts++;
    start = bodyEnd + nextDelimiter.length;
  }
}
