// Bundles the viewer into the portal's static resources: node build.mjs [OUTDIR]
// (default: ../target/classes/META-INF/resources/viewer, where Quarkus serves it from).
// Two ES module entries: the page's viewer.js and the image loader's decoding worker, which viewer.js starts from
// its own address (new URL('./decodeImageFrameWorker.js', import.meta.url)); the codecs' .wasm files are copied
// beside them and found through the loader's wasmBasePath. Upstream code that the portal's Content Security Policy
// refuses is patched here, exactly, or the build fails (see PATCHES).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2] ?? path.join(here, '..', 'target', 'classes', 'META-INF', 'resources', 'viewer');
const modules = path.join(here, 'node_modules');
const stub = path.join(here, 'src', 'node-stub.js');
const nodeBuiltins = ['fs', 'path', 'url', 'crypto', 'module', 'worker_threads', 'events'];
const alias = Object.fromEntries(nodeBuiltins.flatMap((m) => [[m, stub], [`node:${m}`, stub]]));

// Measurement labels (length, angle, ROI) set a style attribute on their SVG text (no pointer events, no selection, a
// drop shadow): the portal's policy (style-src without 'unsafe-inline') refuses that, and the labels lose it. The
// same declarations set through the CSSOM are not inline markup and are allowed. Each patch must match its source
// exactly once, or the build stops: an upstream change is looked at, never shipped unpatched.
const PATCHES = [
  {
    file: path.join(modules, '@cornerstonejs', 'tools', 'dist', 'esm', 'drawingSvg', 'drawTextBox.js'),
    from: "    textElement.setAttribute('style', combinedStyle);\n",
    to: '    textElement.style.cssText = combinedStyle;\n',
  },
];
const applied = new Set();
const patching = {
  name: 'portal-csp-patches',
  setup(b) {
    for (const patch of PATCHES) {
      const filter = new RegExp(`^${patch.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      b.onLoad({ filter }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const found = source.split(patch.from).length - 1;
        if (found !== 1) {
          throw new Error(`${path.relative(here, args.path)}: expected the patched line once, found it ${found} times;`
            + ' the upstream source changed, so look at it again before building');
        }
        applied.add(patch.file);
        return { contents: source.replace(patch.from, patch.to), loader: 'js' };
      });
    }
  },
};

const result = await build({
  entryPoints: {
    viewer: path.join(here, 'src', 'viewer.js'),
    decodeImageFrameWorker: path.join(modules, '@cornerstonejs', 'dicom-image-loader', 'dist', 'esm',
      'decodeImageFrameWorker.js'),
  },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  splitting: false,
  target: ['es2020'],
  outdir,
  alias,
  legalComments: 'external',
  logLevel: 'warning',
  metafile: true,
  plugins: [patching],
});
const missed = PATCHES.filter((p) => !applied.has(p.file));
if (missed.length) {
  const files = missed.map((p) => path.relative(here, p.file)).join(', ');
  throw new Error(`not in the bundle any more, so not patched: ${files}`);
}
// nothing else in the bundle may set a style attribute: the policy would refuse it in the browser
const bundled = readFileSync(path.join(outdir, 'viewer.js'), 'utf8');
if (/setAttribute\(\s*["'`]style["'`]/.test(bundled)) {
  throw new Error('viewer.js sets a style attribute, which the Content Security Policy refuses: patch it here');
}

// The decoders' .wasm files, by the names the loader asks for (JPEG XL's is fetched only for JPEG XL images).
const wasmFiles = {
  'codec-charls': 'charlswasm_decode.wasm',
  'codec-libjpeg-turbo-8bit': 'libjpegturbowasm_decode.wasm',
  'codec-libjxl': 'jpegxlwasm_decode.wasm',
  'codec-openjpeg': 'openjpegwasm_decode.wasm',
  'codec-openjph': 'openjphjs.wasm',
};
mkdirSync(outdir, { recursive: true });
for (const [codec, file] of Object.entries(wasmFiles)) {
  copyFileSync(path.join(modules, '@cornerstonejs', codec, 'dist', file), path.join(outdir, file));
}
const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith('.js'))
  .map(([file, out]) => `${path.basename(file)} ${(out.bytes / 1e6).toFixed(2)} MB`);
const wasm = Object.values(wasmFiles).reduce((sum, f) => sum + statSync(path.join(outdir, f)).size, 0);
console.log(`viewer bundled into ${outdir}: ${sizes.join(', ')}, wasm ${(wasm / 1e6).toFixed(2)} MB`);
