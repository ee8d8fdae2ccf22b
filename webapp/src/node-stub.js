// Stands in for the Node built-ins that dependencies name but never use in a browser: the codecs' Emscripten glue
// (fs, path, url, crypto, module, worker_threads) and a callback XML builder the viewer never calls (events).
export class EventEmitter {}
export default { EventEmitter };
export const readFileSync = undefined;
export const fileURLToPath = undefined;
export const createRequire = undefined;
