// Turns a DICOM Part 10 instance into a displayable image and renders it with a window. Native (uncompressed)
// pixel data only; compressed instances are reported so the page can offer the download instead.
import dicomParser from 'dicom-parser';

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

function number(ds, tag, fallback, index = 0) {
  const text = ds.string(tag, index);
  const value = text === undefined || text === '' ? NaN : Number(text);
  return Number.isFinite(value) ? value : fallback;
}

/** Parses an instance; returns {image} or {unsupported: reason}. */
export function decode(bytes) {
  const ds = dicomParser.parseDicom(bytes);
  const syntax = ds.string('x00020010') || '1.2.840.10008.1.2.1';
  const pixel = ds.elements.x7fe00010;
  const rows = ds.uint16('x00280010');
  const columns = ds.uint16('x00280011');
  const base = {
    sopInstanceUid: ds.string('x00080018'),
    instanceNumber: number(ds, 'x00200013', 0),
  };
  if (!pixel || !rows || !columns) return { ...base, unsupported: 'this object holds no image' };
  if (!NATIVE.has(syntax)) return { ...base, unsupported: `compressed pixel data (${syntax})` };
  const bits = ds.uint16('x00280100') || 16;
  const signed = ds.uint16('x00280103') === 1;
  const samples = ds.uint16('x00280002') || 1;
  const planar = ds.uint16('x00280006') || 0;
  const photometric = (ds.string('x00280004') || 'MONOCHROME2').trim();
  const count = rows * columns * samples;
  const offset = bytes.byteOffset + pixel.dataOffset;
  let pixels;
  if (bits === 16) {
    const aligned = new ArrayBuffer(count * 2);
    new Uint8Array(aligned).set(new Uint8Array(bytes.buffer, offset, count * 2));
    pixels = signed ? new Int16Array(aligned) : new Uint16Array(aligned);
  } else if (bits === 8) {
    pixels = new Uint8Array(bytes.buffer.slice(offset, offset + count));
  } else {
    return { ...base, unsupported: `${bits}-bit pixel data` };
  }
  const slope = number(ds, 'x00281053', 1);
  const intercept = number(ds, 'x00281052', 0);
  let center = number(ds, 'x00281050', NaN);
  let width = number(ds, 'x00281051', NaN);
  if (!Number.isFinite(center) || !Number.isFinite(width) || width < 1) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < pixels.length; i += samples) {
      const v = pixels[i] * slope + intercept;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    center = (min + max) / 2;
    width = Math.max(1, max - min);
  }
  return {
    ...base,
    image: { rows, columns, samples, planar, photometric, pixels, slope, intercept, center, width },
  };
}

/** Draws the image into an RGBA ImageData with the given window (linear, PS3.3 C.11.2.1.2). */
export function render(image, center, width, target) {
  const { rows, columns, samples, planar, photometric, pixels, slope, intercept } = image;
  const out = target.data;
  const n = rows * columns;
  if (samples === 3) {
    for (let i = 0; i < n; i++) {
      const r = planar ? pixels[i] : pixels[i * 3];
      const g = planar ? pixels[i + n] : pixels[i * 3 + 1];
      const b = planar ? pixels[i + 2 * n] : pixels[i * 3 + 2];
      out[i * 4] = r;
      out[i * 4 + 1] = g;
      out[i * 4 + 2] = b;
      out[i * 4 + 3] = 255;
    }
    return target;
  }
  const invert = photometric === 'MONOCHROME1';
  const low = center - 0.5 - (width - 1) / 2;
  const scale = 255 / Math.max(1, width - 1);
  for (let i = 0; i < n; i++) {
    let y = (pixels[i] * slope + intercept - low) * scale;
    y = y < 0 ? 0 : y > 255 ? 255 : y;
    if (invert) y = 255 - y;
    const o = i * 4;
    out[o] = out[o + 1] = out[o + 2] = y;
    out[o + 3] = 255;
  }
  return target;
}
