// Times one node Markdown-to-ADF converter on one Markdown file, in-process.
//
//   node benchmarks/markdown_peers_bench.mjs <peer> <dir with node_modules> <doc.md> <out.json> [runs] [warmup]
//
// Peers (installed by `(cd benchmarks && npm ci --no-audit --no-fund)`):
//   marklassian  `markdownToAdf(markdown)` from the npm package marklassian.
//   atlaskit     Atlassian's editor pipeline: `new MarkdownTransformer().parse(markdown)`
//                (@atlaskit/editor-markdown-transformer, markdown-it into a ProseMirror
//                document on the default @atlaskit/adf-schema) followed by
//                `new JSONTransformer().encode(pmDoc)` (@atlaskit/editor-json-transformer),
//                which is how the editor turns its document into ADF JSON. Both objects
//                are built once; each timed call is parse + encode.
//
// The file is read once; only conversion calls are timed, so process start, module
// loading and file reading are excluded. Warm-up and batching follow
// bench_validate.py's rules: at least `warmup` calls (and one) lasting at least 500 ms
// in all, then `runs` runs; a run is one call, or for calls under 10 ms a batch of calls
// lasting at least 10 ms, reported per call. Runs are back to back (V8 runs slower for a
// while after any pause; see adf_utils_bench.mjs).
//
// Writes the converter's output on the document to <out.json> (for the validity check,
// done in Python with adfkit) and prints one JSON object on stdout:
//   {"peer", "package", "version", "ok", "error", "batch", "runs_ms": [...]}
// "ok" is false, with "error" set, when the converter cannot be loaded or throws on
// the document; nothing is timed then.

import { writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const MIN_RUN_MS = 10;
const WARMUP_MS = 500;
const MAX_BATCH = 1000;

const PACKAGES = {
  marklassian: 'marklassian',
  atlaskit: '@atlaskit/editor-markdown-transformer',
};

function usage() {
  console.error(
    'usage: markdown_peers_bench.mjs <marklassian|atlaskit> <dir with node_modules> <doc.md> <out.json> [runs] [warmup]',
  );
  process.exit(2);
}

async function loadConverter(peer, modulesParent) {
  const require = createRequire(path.join(path.resolve(modulesParent), 'package.json'));
  const version = require(`${PACKAGES[peer]}/package.json`).version;
  if (peer === 'marklassian') {
    // An ES module: resolve its entry point from the given node_modules, then import it.
    const mod = await import(pathToFileURL(require.resolve('marklassian')).href);
    return { convert: (md) => mod.markdownToAdf(md), version };
  }
  // CommonJS packages with subpath directories: require them from the given root.
  const { MarkdownTransformer } = require('@atlaskit/editor-markdown-transformer');
  const { JSONTransformer } = require('@atlaskit/editor-json-transformer');
  const markdown = new MarkdownTransformer();
  const json = new JSONTransformer();
  return { convert: (md) => json.encode(markdown.parse(md)), version };
}

function elapsedMs(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function describe(err) {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

const [peer, modulesParent, docPath, outPath, runsArg = '7', warmupArg = '2'] =
  process.argv.slice(2);
if (!PACKAGES[peer] || !modulesParent || !docPath || !outPath) usage();
const runs = Number.parseInt(runsArg, 10);
const warmup = Number.parseInt(warmupArg, 10);
const result = {
  peer,
  package: PACKAGES[peer],
  version: null,
  ok: false,
  error: null,
  batch: 0,
  runs_ms: [],
};

let converter = null;
try {
  converter = await loadConverter(peer, modulesParent);
  result.version = converter.version;
} catch (err) {
  result.error = `cannot load ${PACKAGES[peer]}: ${describe(err)}`;
}

if (converter) {
  const text = readFileSync(docPath, 'utf8');
  const { convert } = converter;
  try {
    writeFileSync(outPath, JSON.stringify(convert(text)));
    let last = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < Math.max(1, warmup) || elapsedMs(start) < WARMUP_MS; i++) {
      const t0 = process.hrtime.bigint();
      convert(text);
      last = elapsedMs(t0);
    }
    const batch = Math.max(1, Math.min(MAX_BATCH, Math.ceil(MIN_RUN_MS / Math.max(last, 1e-6))));
    result.batch = batch;
    for (let r = 0; r < runs; r++) {
      const t0 = process.hrtime.bigint();
      for (let j = 0; j < batch; j++) convert(text);
      result.runs_ms.push(elapsedMs(t0) / batch);
    }
    result.ok = true;
  } catch (err) {
    result.error = `fails on this document: ${describe(err)}`;
  }
}
process.stdout.write(`${JSON.stringify(result)}\n`);
