// The portal's DICOM viewer. It reads the study through the portal's DICOMweb under the page's authorization (an
// account's session, or a share link's token and session) and never talks to anything else:
//   - QIDO-RS lists the series; each series arrives as one WADO-RS multipart stream and the first image is shown
//     as soon as its part has arrived (progressive loading), the slider growing as the rest comes in;
//   - thumbnails come from the first instance of each other series;
//   - scroll (wheel, arrows, slider), window/level, zoom and pan (toolbar choice, left mouse button), reset.
import { boundaryOf, readParts } from './multipart.js';
import { decode, render } from './image.js';

const MULTIPART = 'multipart/related; type="application/dicom"';
const DICOM_JSON = 'application/dicom+json';

function value(json, tag) {
  const v = json[tag] && json[tag].Value;
  return v && v.length ? v[0] : undefined;
}

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  if (text !== undefined) e.textContent = text;
  return e;
}

class Viewer {
  constructor(root) {
    this.root = root;
    this.base = root.dataset.dicomweb;
    this.study = root.dataset.study;
    this.canvas = root.querySelector('#viewer-canvas');
    this.ctx = this.canvas.getContext('2d');
    this.slider = root.querySelector('#viewer-slider');
    this.status = root.querySelector('#viewer-status');
    this.list = root.querySelector('#viewer-series');
    this.series = [];
    this.current = null;
    this.index = 0;
    this.tool = 'window';
    this.view = { center: 0, width: 1, zoom: 1, panX: 0, panY: 0 };
    this.frame = document.createElement('canvas');
    this.rendered = 0;
  }

  async start() {
    this.bind();
    let found;
    try {
      const response = await fetch(`${this.base}/studies/${this.study}/series`, {
        headers: { Accept: DICOM_JSON }, credentials: 'same-origin',
      });
      if (!response.ok) throw new Error(`the portal answered ${response.status}`);
      found = await response.json();
    } catch (e) {
      this.say(`The study could not be loaded: ${e.message}.`);
      return;
    }
    this.series = found.map((json) => ({
      uid: value(json, '0020000E'),
      number: value(json, '00200011'),
      modality: value(json, '00080060') || '',
      description: value(json, '0008103E') || '',
      count: value(json, '00201209') || 0,
      images: [],
      state: 'waiting',
    })).sort((a, b) => (a.number ?? 1e9) - (b.number ?? 1e9));
    if (!this.series.length) {
      this.say('This study holds no images that can be shown.');
      return;
    }
    this.series.forEach((s) => this.listSeries(s));
    this.select(this.series[0]);
  }

  listSeries(s) {
    const item = el('li');
    const button = el('button', { type: 'button', class: 'viewer-series-item', 'data-series': s.uid });
    s.thumb = el('canvas', { width: '96', height: '96', class: 'viewer-thumb', 'aria-hidden': 'true' });
    const label = el('span', {}, `Series ${s.number ?? '?'} · ${s.modality} · ${s.count} image${s.count === 1 ? '' : 's'}`);
    const description = el('span', { class: 'viewer-series-description' }, s.description);
    button.append(s.thumb, label, description);
    button.addEventListener('click', () => this.select(s));
    s.button = button;
    item.append(button);
    this.list.append(item);
  }

  select(s) {
    if (this.current === s) return;
    this.current = s;
    this.series.forEach((x) => x.button.setAttribute('aria-pressed', String(x === s)));
    this.index = 0;
    this.slider.value = '1';
    if (s.images.length) {
      this.resetView();
    } else {
      this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    }
    this.update();
    this.load(s).then(() => this.thumbnails());
  }

  async load(s) {
    if (s.state !== 'waiting') return;
    s.state = 'loading';
    try {
      const response = await fetch(`${this.base}/studies/${this.study}/series/${s.uid}`, {
        headers: { Accept: MULTIPART }, credentials: 'same-origin',
      });
      if (!response.ok) throw new Error(`the portal answered ${response.status}`);
      const boundary = boundaryOf(response.headers.get('Content-Type'));
      if (!boundary) throw new Error('the answer is not multipart');
      await readParts(response.body, boundary, (bytes) => this.arrived(s, bytes));
      s.state = 'loaded';
    } catch (e) {
      s.state = 'failed';
      s.error = e.message;
    }
    this.update();
  }

  arrived(s, bytes) {
    let decoded;
    try {
      decoded = decode(bytes);
    } catch (e) {
      decoded = { unsupported: 'an instance could not be read' };
    }
    if (!decoded.image) {
      s.unsupported = decoded.unsupported;
      return;
    }
    s.images.push(decoded);
    if (s.images.length === 1) {
      this.thumbnail(s, decoded.image);
      if (s === this.current) this.resetView();
    }
    if (s === this.current) this.update();
  }

  /** Thumbnails of the series not yet loaded: the first instance of each, one after another. */
  async thumbnails() {
    for (const s of this.series) {
      if (s.thumbDone || s.images.length) continue;
      s.thumbDone = true;
      try {
        const list = await fetch(`${this.base}/studies/${this.study}/series/${s.uid}/instances?limit=1`, {
          headers: { Accept: DICOM_JSON }, credentials: 'same-origin',
        }).then((r) => (r.ok ? r.json() : []));
        const sop = list.length ? value(list[0], '00080018') : undefined;
        if (!sop) continue;
        const response = await fetch(`${this.base}/studies/${this.study}/series/${s.uid}/instances/${sop}`, {
          headers: { Accept: 'application/dicom' }, credentials: 'same-origin',
        });
        if (!response.ok) continue;
        const decoded = decode(new Uint8Array(await response.arrayBuffer()));
        if (decoded.image && !s.images.length) this.thumbnail(s, decoded.image);
      } catch (e) {
        // a missing thumbnail leaves the series selectable
      }
    }
  }

  thumbnail(s, image) {
    if (s.thumbDrawn) return;
    s.thumbDrawn = true;
    const frame = document.createElement('canvas');
    frame.width = image.columns;
    frame.height = image.rows;
    const fctx = frame.getContext('2d');
    fctx.putImageData(render(image, image.center, image.width, fctx.createImageData(image.columns, image.rows)), 0, 0);
    const t = s.thumb.getContext('2d');
    const scale = Math.min(96 / image.columns, 96 / image.rows);
    const w = image.columns * scale;
    const h = image.rows * scale;
    t.fillStyle = '#000';
    t.fillRect(0, 0, 96, 96);
    t.drawImage(frame, (96 - w) / 2, (96 - h) / 2, w, h);
  }

  resetView() {
    const first = this.current.images[Math.min(this.index, this.current.images.length - 1)];
    this.view = { center: first.image.center, width: first.image.width, zoom: 1, panX: 0, panY: 0 };
    this.draw();
  }

  bind() {
    this.root.querySelectorAll('[data-tool]').forEach((b) => b.addEventListener('click', () => {
      this.tool = b.dataset.tool;
      this.root.querySelectorAll('[data-tool]').forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
    }));
    const reset = this.root.querySelector('#viewer-reset');
    if (reset) reset.addEventListener('click', () => this.current && this.current.images.length && this.resetView());
    this.slider.addEventListener('input', () => this.show(Number(this.slider.value) - 1));
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.show(this.index + (e.deltaY > 0 ? 1 : -1));
    }, { passive: false });
    this.canvas.addEventListener('keydown', (e) => {
      const moves = { ArrowDown: 1, ArrowRight: 1, PageDown: 10, ArrowUp: -1, ArrowLeft: -1, PageUp: -10 };
      if (moves[e.key] !== undefined) {
        e.preventDefault();
        this.show(this.index + moves[e.key]);
      } else if (e.key === '+' || e.key === '-') {
        this.view.zoom *= e.key === '+' ? 1.25 : 0.8;
        this.draw();
      }
    });
    let last = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      last = { x: e.clientX, y: e.clientY, acc: 0 };
      this.canvas.setPointerCapture(e.pointerId);
      this.canvas.focus();
    });
    this.canvas.addEventListener('pointerup', () => { last = null; });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!last || !this.current || !this.current.images.length) return;
      const dx = e.clientX - last.x;
      const dy = e.clientY - last.y;
      last.x = e.clientX;
      last.y = e.clientY;
      const tool = e.shiftKey ? 'pan' : this.tool;
      if (tool === 'window') {
        const step = Math.max(1, this.view.width / 256);
        this.view.width = Math.max(1, this.view.width + dx * step);
        this.view.center += dy * step;
      } else if (tool === 'zoom') {
        this.view.zoom = Math.min(20, Math.max(0.1, this.view.zoom * Math.exp(-dy / 150)));
      } else if (tool === 'pan') {
        this.view.panX += dx;
        this.view.panY += dy;
      } else if (tool === 'scroll') {
        last.acc += dy;
        if (Math.abs(last.acc) >= 8) {
          this.show(this.index + Math.sign(last.acc));
          last.acc = 0;
        }
        return;
      }
      this.draw();
    });
    window.addEventListener('resize', () => this.draw());
  }

  show(index) {
    if (!this.current || !this.current.images.length) return;
    this.index = Math.max(0, Math.min(this.current.images.length - 1, index));
    this.slider.value = String(this.index + 1);
    this.draw();
  }

  draw() {
    const s = this.current;
    if (!s || !s.images.length) return;
    const { image } = s.images[Math.min(this.index, s.images.length - 1)];
    const ratio = window.devicePixelRatio || 1;
    const cw = Math.max(1, Math.round(this.canvas.clientWidth * ratio));
    const ch = Math.max(1, Math.round(this.canvas.clientHeight * ratio));
    if (this.canvas.width !== cw || this.canvas.height !== ch) {
      this.canvas.width = cw;
      this.canvas.height = ch;
    }
    if (this.frame.width !== image.columns || this.frame.height !== image.rows) {
      this.frame.width = image.columns;
      this.frame.height = image.rows;
    }
    const fctx = this.frame.getContext('2d');
    fctx.putImageData(render(image, this.view.center, this.view.width,
      fctx.createImageData(image.columns, image.rows)), 0, 0);
    const scale = Math.min(cw / image.columns, ch / image.rows) * this.view.zoom;
    const w = image.columns * scale;
    const h = image.rows * scale;
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, cw, ch);
    this.ctx.imageSmoothingEnabled = scale < 1;
    this.ctx.drawImage(this.frame, (cw - w) / 2 + this.view.panX * ratio, (ch - h) / 2 + this.view.panY * ratio, w, h);
    this.rendered++;
    this.canvas.dataset.rendered = String(this.rendered);
    this.update();
  }

  update() {
    const s = this.current;
    if (!s) return;
    const loaded = s.images.length;
    this.slider.max = String(Math.max(1, loaded));
    this.root.dataset.loaded = String(loaded);
    this.root.dataset.state = s.state;
    let text = loaded
      ? `Image ${this.index + 1} of ${s.count}` + (s.state === 'loading' ? ` (${loaded} loaded)` : '')
        + ` · window ${Math.round(this.view.width)} / level ${Math.round(this.view.center)}`
        + ` · zoom ${this.view.zoom.toFixed(1)}×`
      : s.state === 'loading' ? 'Loading the first image…' : '';
    if (s.state === 'failed') text = `This series could not be loaded completely: ${s.error}.`;
    if (!loaded && s.unsupported) text = `This series cannot be shown here (${s.unsupported}); download the study to open it in a DICOM viewer.`;
    this.say(text);
  }

  say(text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  }
}

const root = document.getElementById('viewer');
if (root) new Viewer(root).start();
