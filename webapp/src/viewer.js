// The portal's DICOM viewer, on Cornerstone3D. It reads the study through the portal's DICOMweb under the page's
// authorization (an account's session, or a share link's token and session) and never talks to anything else:
//   - QIDO-RS lists the series, WADO-RS metadata names each series' instances and frames;
//   - pixels come frame by frame (WADO-RS frames) in the stored transfer syntax and are decoded in a worker by the
//     image loader's WASM codecs: the first image first, the rest progressively, in a bounded image cache;
//   - stack viewports in 1x1, 1x2 or 2x2, each showing a series, with the usual tools and an overlay;
//   - series without images (reports, key object selections) are never drawn: the page lists them as reports, with
//     the link to their report page that the portal put in the page where the caller has one.
import {
  cache, Enums, eventTarget, imageLoader, init as initCore, RenderingEngine, utilities,
} from '@cornerstonejs/core';
import { init as initLoader, wadors } from '@cornerstonejs/dicom-image-loader';
import {
  addTool, AngleTool, annotation, EllipticalROITool, Enums as ToolEnums, init as initTools, LengthTool, PanTool,
  RectangleROITool, StackScrollTool, ToolGroupManager, utilities as toolUtilities, WindowLevelTool, ZoomTool,
} from '@cornerstonejs/tools';
import { holdsImages, reportTitle, Study } from './study.js';

const ENGINE = 'portal-viewer';
const TOOL_GROUP = 'portal-tools';
const CACHE_BYTES = 384 * 1024 * 1024;
const PREFETCH_SHARE = 0.75;
const PREFETCH_PARALLEL = 4;
const CINE_FPS = 10;
const LAYOUTS = { '1x1': 1, '1x2': 2, '2x2': 4 };
const TOOLS = {
  window: WindowLevelTool.toolName,
  zoom: ZoomTool.toolName,
  pan: PanTool.toolName,
  scroll: StackScrollTool.toolName,
  length: LengthTool.toolName,
  angle: AngleTool.toolName,
  rectangle: RectangleROITool.toolName,
  ellipse: EllipticalROITool.toolName,
};
const { MouseBindings } = ToolEnums;

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function round(n, digits = 0) {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

class Viewer {
  constructor(root) {
    this.root = root;
    this.study = new Study(root.dataset.dicomweb, root.dataset.study, root.dataset.dateFormat || undefined);
    this.grid = root.querySelector('#viewer-grid');
    this.slider = root.querySelector('#viewer-slider');
    this.status = root.querySelector('#viewer-status');
    this.list = root.querySelector('#viewer-series');
    this.measurements = root.querySelector('#viewer-measurements');
    this.reports = root.querySelector('#viewer-reports');
    this.reportList = root.querySelector('#viewer-report-list');
    this.series = [];
    this.panes = [];
    this.active = 0;
    this.tool = 'window';
    this.rendered = 0;
  }

  async start() {
    // the series list first: it needs nothing of the rendering, which starts while the answer is on its way
    const series = this.study.series();
    series.catch(() => {});
    initCore();
    initLoader({ maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)),
      wasmBasePath: new URL('.', import.meta.url).href });
    initTools();
    cache.setMaxCacheSize(CACHE_BYTES);
    Object.values(TOOLS).forEach((name) => addTool(this.toolClass(name)));
    this.engine = new RenderingEngine(ENGINE);
    this.tools = ToolGroupManager.createToolGroup(TOOL_GROUP);
    Object.values(TOOLS).forEach((name) => this.tools.addTool(name));
    this.bindTools();
    this.bindPage();
    let all;
    try {
      all = await series;
    } catch (e) {
      this.say(`The study could not be loaded: ${e.message}.`);
      return;
    }
    const reported = new Set([...this.reportList.querySelectorAll('li[data-series]')].map((li) => li.dataset.series));
    this.series = all.filter((s) => holdsImages(s, reported));
    all.filter((s) => !holdsImages(s, reported) && !reported.has(s.uid)).forEach((s) => this.listReport(s));
    if (!this.series.length) {
      this.say(this.reports.hidden ? 'This study holds no images that can be shown.'
        : 'This study holds no images; its reports are listed on this page.');
      return;
    }
    this.series.forEach((s) => this.listSeries(s));
    this.layout('1x1');
    await this.show(this.series[0], 0);
    this.thumbnails();
  }

  toolClass(name) {
    return [WindowLevelTool, ZoomTool, PanTool, StackScrollTool, LengthTool, AngleTool, RectangleROITool,
      EllipticalROITool].find((t) => t.toolName === name);
  }

  /** The chosen tool on the primary button; pan on the middle, zoom on the right, scroll on the wheel. */
  bindTools() {
    const t = this.tools;
    Object.values(TOOLS).forEach((name) => t.setToolPassive(name));
    t.setToolActive(TOOLS[this.tool], { bindings: [{ mouseButton: MouseBindings.Primary }, { numTouchPoints: 1 }] });
    if (this.tool !== 'pan') t.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    if (this.tool !== 'zoom') {
      t.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary },
        { numTouchPoints: 2 }] });
    }
    if (this.tool !== 'scroll') t.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
    this.root.querySelectorAll('[data-tool]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.tool === this.tool)));
  }

  bindPage() {
    this.root.querySelectorAll('[data-tool]').forEach((b) => b.addEventListener('click', () => {
      this.tool = b.dataset.tool;
      this.bindTools();
    }));
    this.root.querySelectorAll('[data-action]').forEach((b) => b.addEventListener('click', () => this.act(b.dataset.action, b)));
    this.root.querySelector('#viewer-preset').addEventListener('change', (e) => this.preset(e.target.value));
    this.root.querySelector('#viewer-layout').addEventListener('change', (e) => this.layout(e.target.value));
    this.slider.addEventListener('input', () => this.scrollTo(this.pane(), Number(this.slider.value) - 1));
    window.addEventListener('resize', () => this.engine.resize(true, true));
    const measured = () => this.listMeasurements();
    [ToolEnums.Events.ANNOTATION_COMPLETED, ToolEnums.Events.ANNOTATION_MODIFIED, ToolEnums.Events.ANNOTATION_REMOVED]
      .forEach((type) => eventTarget.addEventListener(type, measured));
  }

  pane() {
    return this.panes[this.active];
  }

  /** Lays out 1, 2 or 4 viewports; the series shown stay where they were, new viewports get the next series. */
  layout(name) {
    const count = LAYOUTS[name] || 1;
    this.root.dataset.layout = name;
    while (this.panes.length > count) {
      const p = this.panes.pop();
      this.stopCine(p);
      this.tools.removeViewports(ENGINE, p.id);
      this.engine.disableElement(p.id);
      p.element.remove();
    }
    while (this.panes.length < count) {
      const index = this.panes.length;
      const p = this.makePane(index);
      this.panes.push(p);
      const next = this.series[index % Math.max(1, this.series.length)];
      if (next && index > 0) this.show(next, index);
    }
    this.engine.resize(true, true);
    this.activate(Math.min(this.active, count - 1));
  }

  makePane(index) {
    const id = `viewport-${index}`;
    // the first viewport and its canvas are in the page already, so that they exist before this module has run
    let element = this.grid.querySelector(`[data-viewport="${index}"]`);
    if (!element) {
      element = el('div', { class: 'viewer-viewport', 'data-viewport': String(index) });
      this.grid.append(element);
    }
    const overlay = el('div', { class: 'viewer-overlay', 'aria-hidden': 'true' });
    const left = el('p', { class: 'viewer-overlay-left' });
    const right = el('p', { class: 'viewer-overlay-right' });
    overlay.append(left, right);
    this.engine.enableElement({ viewportId: id, type: Enums.ViewportType.STACK, element,
      defaultOptions: { background: [0, 0, 0] } });
    element.append(overlay);
    this.tools.addViewport(id, ENGINE);
    const canvas = element.querySelector('canvas');
    canvas.setAttribute('tabindex', '0');
    canvas.setAttribute('aria-label', 'Image; arrow keys or the mouse wheel move through the series');
    element.addEventListener('contextmenu', (e) => e.preventDefault());
    const p = { id, index, element, canvas, left, right, series: null, imageIds: [], loaded: new Set(),
      header: null, cine: false };
    element.addEventListener('pointerdown', () => this.activate(index));
    canvas.addEventListener('focus', () => this.activate(index));
    canvas.addEventListener('keydown', (e) => this.key(p, e));
    element.addEventListener(Enums.Events.IMAGE_RENDERED, () => {
      if (index === 0) {
        this.rendered++;
        canvas.dataset.rendered = String(this.rendered);
      }
      this.overlay(p);
    });
    element.addEventListener(Enums.Events.STACK_NEW_IMAGE, () => this.overlay(p));
    return p;
  }

  activate(index) {
    this.active = index;
    this.panes.forEach((p) => p.element.setAttribute('data-active', String(p.index === index)));
    const p = this.pane();
    this.series.forEach((s) => s.button && s.button.setAttribute('aria-pressed', String(p && p.series === s)));
    this.update();
  }

  viewport(p) {
    return this.engine.getViewport(p.id);
  }

  /** Shows a series in a viewport: its first image as soon as it has arrived, then the rest in the background. */
  async show(s, index) {
    const p = this.panes[index];
    if (!p || p.series === s) return;
    this.stopCine(p);
    p.series = s;
    p.loaded = new Set();
    p.state = 'loading';
    this.activate(this.active);
    try {
      if (!s.images) s.images = this.study.images(s, wadors.metaDataManager);
      const { imageIds, header, multiframe } = await s.images;
      if (p.series !== s) return;
      p.imageIds = imageIds;
      p.header = header;
      p.multiframe = multiframe;
      if (!imageIds.length) {
        p.state = 'empty';
        this.update();
        return;
      }
      await this.viewport(p).setStack(imageIds, 0);
      p.loaded.add(imageIds[0]);
      this.viewport(p).render();
      this.thumbnail(s, imageIds[0]);
      this.update();
      await this.prefetch(p, s);
      if (p.series === s) p.state = 'loaded';
    } catch (e) {
      if (p.series === s) {
        p.state = 'failed';
        p.error = e && e.message ? e.message : 'an image could not be read';
      }
    }
    this.update();
  }

  /** Loads the rest of the series into the cache, a few frames at a time, while the cache has room. */
  async prefetch(p, s) {
    const queue = p.imageIds.slice(1);
    const worker = async () => {
      while (queue.length && p.series === s) {
        if (cache.getCacheSize() > CACHE_BYTES * PREFETCH_SHARE) return;
        const id = queue.shift();
        await imageLoader.loadAndCacheImage(id, { priority: 5, requestType: Enums.RequestType.Prefetch });
        p.loaded.add(id);
        if (p === this.pane()) this.update();
      }
    };
    await Promise.all(Array.from({ length: PREFETCH_PARALLEL }, worker));
  }

  listSeries(s) {
    const item = el('li');
    const button = el('button', { type: 'button', class: 'viewer-series-item', 'data-series': s.uid });
    s.thumb = el('canvas', { width: '96', height: '96', class: 'viewer-thumb', 'aria-hidden': 'true' });
    const label = el('span', {}, `Series ${s.number ?? '?'} · ${s.modality} · ${s.count} image${s.count === 1 ? '' : 's'}`);
    const description = el('span', { class: 'viewer-series-description' }, s.description);
    button.append(s.thumb, label, description);
    button.addEventListener('click', () => this.show(s, this.active));
    s.button = button;
    item.append(button);
    this.list.append(item);
  }

  /** A series without images and without a report page for this caller: named, not linked, never drawn. */
  listReport(s) {
    const item = el('li', { 'data-series': s.uid });
    item.append(el('span', { class: 'viewer-report' }, reportTitle(s)));
    this.reportList.append(item);
    this.reports.hidden = false;
  }

  /** The series not shown yet get the first image as thumbnail, one after another. */
  async thumbnails() {
    for (const s of this.series) {
      if (s.thumbDrawn) continue;
      try {
        if (!s.images) s.images = this.study.images(s, wadors.metaDataManager);
        const { imageIds } = await s.images;
        if (imageIds.length) await this.thumbnail(s, imageIds[0]);
      } catch (e) {
        // a missing thumbnail leaves the series selectable
      }
    }
  }

  async thumbnail(s, imageId) {
    if (s.thumbDrawn) return;
    s.thumbDrawn = true;
    try {
      await utilities.loadImageToCanvas({ canvas: s.thumb, imageId, thumbnail: true });
    } catch (e) {
      s.thumbDrawn = false;
    }
  }

  key(p, e) {
    const moves = { ArrowDown: 1, ArrowRight: 1, PageDown: 10, ArrowUp: -1, ArrowLeft: -1, PageUp: -10,
      Home: -1e9, End: 1e9 };
    const vp = this.viewport(p);
    if (!vp || !p.imageIds.length) return;
    if (moves[e.key] !== undefined) {
      e.preventDefault();
      this.scrollTo(p, vp.getCurrentImageIdIndex() + moves[e.key]);
    } else if (e.key === '+' || e.key === '=' || e.key === '-') {
      e.preventDefault();
      vp.setZoom(vp.getZoom() * (e.key === '-' ? 0.8 : 1.25));
      vp.render();
    } else if (e.key === 'i' || e.key === 'I') {
      this.act('invert');
    } else if (e.key === 'r' || e.key === 'R') {
      this.act('reset');
    }
  }

  scrollTo(p, index) {
    if (!p || !p.imageIds.length) return;
    const i = Math.max(0, Math.min(p.imageIds.length - 1, index));
    this.viewport(p).setImageIdIndex(i);
  }

  act(action, button) {
    const p = this.pane();
    if (!p || !p.imageIds.length) return;
    const vp = this.viewport(p);
    if (action === 'invert') {
      vp.setProperties({ invert: !vp.getProperties().invert });
    } else if (action === 'rotate') {
      vp.setViewPresentation({ rotation: ((vp.getViewPresentation().rotation || 0) + 90) % 360 });
    } else if (action === 'flip-h') {
      vp.flip({ flipHorizontal: true });
    } else if (action === 'flip-v') {
      vp.flip({ flipVertical: true });
    } else if (action === 'cine') {
      if (p.cine) this.stopCine(p);
      else this.startCine(p);
      if (button) button.setAttribute('aria-pressed', String(p.cine));
      return;
    } else if (action === 'reset') {
      vp.resetProperties();
      vp.resetCamera();
      this.root.querySelector('#viewer-preset').value = '';
    }
    vp.render();
  }

  startCine(p) {
    if (p.imageIds.length < 2) return;
    toolUtilities.cine.playClip(p.element, { framesPerSecond: CINE_FPS, loop: true });
    p.cine = true;
    this.update();
  }

  stopCine(p) {
    if (!p.cine) return;
    toolUtilities.cine.stopClip(p.element);
    p.cine = false;
    this.update();
  }

  /** A window as "centre,width" in modality units (HU for CT), or '' for the image's own. */
  preset(valueText) {
    const p = this.pane();
    if (!p || !p.imageIds.length) return;
    const vp = this.viewport(p);
    if (!valueText) {
      vp.resetProperties();
    } else {
      const [center, width] = valueText.split(',').map(Number);
      vp.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(width, center) });
    }
    vp.render();
  }

  /** Window and level as a reader states them, from the viewport's VOI range. */
  windowOf(vp) {
    const range = vp.getProperties().voiRange;
    if (!range) return null;
    const { windowWidth, windowCenter } = utilities.windowLevel.toWindowLevel(range.lower, range.upper);
    return { width: windowWidth, center: windowCenter };
  }

  overlay(p) {
    const vp = this.viewport(p);
    if (!vp || !p.imageIds.length) return;
    const h = p.header || {};
    const id = vp.getCurrentImageId() || '';
    const s = this.series.find((x) => id.includes(`/series/${x.uid}/`));
    if (!s) return;
    const w = this.windowOf(vp);
    const n = vp.getCurrentImageIdIndex() + 1;
    p.left.textContent = [h.patient, h.birthDate && `born ${h.birthDate}`, h.studyDate && `study ${h.studyDate}`,
      `Series ${s.number ?? '?'} ${s.description || ''}`.trim()].filter(Boolean).join('\n');
    p.right.textContent = [`Image ${n} of ${p.imageIds.length}`,
      w ? `W ${round(w.width)} L ${round(w.center)}` : '', `Zoom ${round(vp.getZoom(), 2)}×`,
      p.cine ? 'Cine' : ''].filter(Boolean).join('\n');
    p.element.dataset.image = String(n);
    p.element.dataset.seriesNumber = String(s.number ?? '');
    if (p === this.pane()) this.update();
  }

  /** The measurements on the images, in the units of the image (mm, and HU for CT). */
  listMeasurements() {
    const items = [];
    for (const a of annotation.state.getAllAnnotations()) {
      const stats = Object.values(a.data.cachedStats || {})[0];
      if (!stats) continue;
      const tool = a.metadata.toolName;
      let text;
      if (tool === LengthTool.toolName) {
        text = `Length ${round(stats.length, 1)} ${stats.unit || ''}`;
      } else if (tool === AngleTool.toolName) {
        text = `Angle ${round(stats.angle, 1)}°`;
      } else if (tool === RectangleROITool.toolName || tool === EllipticalROITool.toolName) {
        const unit = stats.modalityUnit || '';
        text = `${tool === RectangleROITool.toolName ? 'Rectangle' : 'Ellipse'}: mean ${round(stats.mean, 1)} ${unit},`
          + ` SD ${round(stats.stdDev, 1)} ${unit}, area ${round(stats.area, 1)} ${stats.areaUnit || ''}`;
      }
      if (text) items.push({ tool, text: text.replace(/\s+/g, ' ').trim() });
    }
    this.measurements.replaceChildren(...items.map((m) => el('li', { 'data-tool': m.tool }, m.text)));
  }

  update() {
    const p = this.pane();
    if (!p || !p.series) return;
    const total = p.imageIds.length;
    const vp = this.viewport(p);
    const index = vp && total ? vp.getCurrentImageIdIndex() : 0;
    this.slider.max = String(Math.max(1, total));
    this.slider.value = String(index + 1);
    this.root.dataset.loaded = String(p.loaded.size);
    this.root.dataset.state = p.state || '';
    const w = vp && total ? this.windowOf(vp) : null;
    let text = '';
    if (p.state === 'failed') {
      text = `This series could not be loaded completely: ${p.error}.`;
    } else if (p.state === 'empty') {
      text = 'This series holds no images that can be shown here; download the study to open it elsewhere.';
    } else if (p.loaded.size) {
      text = `Image ${index + 1} of ${total}` + (p.state === 'loading' ? ` (${p.loaded.size} loaded)` : '')
        + (w ? ` · window ${round(w.width)} / level ${round(w.center)}` : '')
        + ` · zoom ${round(vp.getZoom(), 1)}×` + (p.cine ? ' · cine' : '');
    } else {
      text = 'Loading the first image…';
    }
    this.say(text);
  }

  say(text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  }
}

const root = document.getElementById('viewer');
if (root) new Viewer(root).start().catch((e) => {
  const status = root.querySelector('#viewer-status');
  if (status) status.textContent = `The viewer could not start: ${e && e.message ? e.message : e}.`;
});
