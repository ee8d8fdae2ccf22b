// Bundles the viewer into the portal's static resources: node build.mjs [OUTDIR]
// (default: ../target/classes/META-INF/resources/viewer, where Quarkus serves it from).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2] ?? path.join(here, '..', 'target', 'classes', 'META-INF', 'resources', 'viewer');

await build({
  entryPoints: [path.join(here, 'src', 'viewer.js')],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['es2020'],
  outfile: path.join(outdir, 'viewer.js'),
  legalComments: 'external',
  logLevel: 'warning',
});
console.log(`viewer bundled into ${outdir}`);
