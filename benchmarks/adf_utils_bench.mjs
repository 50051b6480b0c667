// Times Atlassian's ADF validator (@atlaskit/adf-utils) on one parsed document, in-process.
//
//   node benchmarks/adf_utils_bench.mjs <dir with node_modules> <document.json> [runs] [warmup]
//
// Strictest settings (see /work/shared/reference/adf-references.md): mode 'strict' and
// no error callback, so the validator throws on the first violation instead of
// repairing. Documents are parsed once; only validator calls are timed, so process
// start, module loading and JSON.parse are excluded.
//
// Warm-up first, for the JIT: at least `warmup` calls (and one) lasting at least
// 500 ms in all; a 10 KB document needs a few hundred calls before its time settles.
// As in bench_validate.py, a run is one call, or for calls under 10 ms a batch of
// calls lasting at least 10 ms, reported per call.
//
// Prints one JSON object on stdout:
//   {"version": v, "valid": true, "error": null, "batch": b, "runs_ms": [...],
//    "median_ms": m, "min_ms": m}
// When the document is rejected, "valid" is false, "error" has the message and no
// runs are timed. The runs are back to back: V8 shrinks its heap when idle and runs
// 20-40% slower for a while after any pause, so timing it between other engines'
// runs would understate it.
//
// The feature-flag client adf-utils consults is not initialised in plain node and logs
// to stderr; that noise is left on stderr.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const MIN_RUN_MS = 10;
const WARMUP_MS = 500;
const MAX_BATCH = 1000;

function usage() {
  console.error('usage: adf_utils_bench.mjs <dir with node_modules> <document.json> [runs] [warmup]');
  process.exit(2);
}

function loadValidator(modulesParent) {
  // adf-utils' subpath exports are CommonJS directories, which ESM `import` cannot
  // resolve; a require rooted at the given directory finds its node_modules.
  const require = createRequire(path.join(path.resolve(modulesParent), 'package.json'));
  const { validator } = require('@atlaskit/adf-utils/validator');
  const version = require('@atlaskit/adf-utils/package.json').version;
  return { validate: validator(undefined, undefined, { mode: 'strict' }), version };
}

function elapsedMs(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// Verdict, warm-up and batch size for one document: {valid, error, batch}.
function prepare(validate, doc, warmup) {
  try {
    let last = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < Math.max(1, warmup) || elapsedMs(start) < WARMUP_MS; i++) {
      const t0 = process.hrtime.bigint();
      validate(doc);
      last = elapsedMs(t0);
    }
    const batch = Math.max(1, Math.min(MAX_BATCH, Math.ceil(MIN_RUN_MS / Math.max(last, 1e-6))));
    return { valid: true, error: null, batch };
  } catch (err) {
    // It can `throw undefined`, so do not assume an Error.
    return { valid: false, error: err instanceof Error ? err.message : String(err), batch: 0 };
  }
}

// One timed run: milliseconds per call.
function run(validate, doc, batch) {
  const t0 = process.hrtime.bigint();
  for (let j = 0; j < batch; j++) validate(doc);
  return elapsedMs(t0) / batch;
}

const [modulesParent, docPath, runsArg = '7', warmupArg = '3'] = process.argv.slice(2);
if (!modulesParent || !docPath) usage();
const { validate, version } = loadValidator(modulesParent);
const doc = JSON.parse(readFileSync(docPath, 'utf8'));
const runs = Number.parseInt(runsArg, 10);
const p = prepare(validate, doc, Number.parseInt(warmupArg, 10));
const result = { version, ...p, runs_ms: [], median_ms: null, min_ms: null };
if (p.valid) {
  for (let i = 0; i < runs; i++) result.runs_ms.push(run(validate, doc, p.batch));
  result.median_ms = median(result.runs_ms);
  result.min_ms = Math.min(...result.runs_ms);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
