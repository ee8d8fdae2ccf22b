// Bundles the viewer into the portal's static resources: node build.mjs [OUTDIR]
// (default: ../target/classes/META-INF/resources/viewer, where Quarkus serves it from).
// Two ES module entries: the page's viewer.js and the image loader's decoding worker, which viewer.js starts from
// its own address (new URL('./decodeImageFrameWorker.js', import.meta.url)); the codecs' .wasm files are copied
// beside them and found through the loader's wasmBasePath.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2] ?? path.join(here, '..', 'target', 'classes', 'META-INF', 'resources', 'viewer');
const modules = path.join(here, 'node_modules');
const stub = path.join(here, 'src', 'node-stub.js');
const nodeBuiltins = ['fs', 'path', 'url', 'crypto', 'module', 'worker_threads', 'events'];
const alias = Object.fromEntries(nodeBuiltins.flatMap((m) => [[m, stub], [`node:${m}`, stub]]));

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
});

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
