// Atlassian's ADF validator (@atlaskit/adf-utils) as a batch verdict service for
// adfkit's differential tests (tests/test_differential_adf_utils.py).
//
// Input (stdin): one JSON document per line. Non-finite numbers cannot travel in JSON,
// so the Python side writes them as {"$nonFinite": "NaN" | "Infinity" | "-Infinity"}
// (an object with exactly that one key) and they are turned back into numbers here.
//
// Output (stdout): one JSON line per input line, in order:
//   {"valid": true,  "error": null, "exception": null, "crash": false}
//   {"valid": false, "error": "<message>", "exception": "Error", "crash": false}
// `exception` is the thrown value's constructor name, or "undefined" for `throw undefined`
// (adf-utils rethrows its "first error" of a content match, which is undefined when that
// candidate failed without an error object, e.g. on `marks: []`: a verdict without a
// message). `crash` is true when the throw is not the validator's own doing: a
// TypeError/RangeError from reading into a malformed value (`null` in `content`, a
// stack overflow), or a thrown non-Error other than undefined. A crash still counts as
// "rejected"; the tests keep the distinction in their reports.
//
// The validator is built once, in the strictest mode: strict (the default), no private
// `__` attributes, no stage-0 specs, and NO error callback, so the first violation
// throws. With a callback it becomes the editor's repair mode and says valid: true after
// dropping content, which is no verdict at all.

import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

// `@atlaskit/adf-utils/validator` is a directory with its own package.json (`main` points
// at the CommonJS build); node's ES module loader does not resolve directory imports, and
// the package's ES builds use extension-less relative imports, so load it through require.
const require = createRequire(import.meta.url);
// platform-feature-flags is a dependency of adf-utils: resolve it from there, so the flag
// resolver we install is the one the validator reads (the package is a singleton).
const requireFromAdfUtils = createRequire(require.resolve('@atlaskit/adf-utils/package.json'));
const { setBooleanFeatureFlagResolver } = requireFromAdfUtils('@atlaskit/platform-feature-flags');

// Every feature flag off, as in production for a client that has not opted in. Without a
// resolver the flag client is uninitialised, logs an error and also answers false.
// (ENABLE_PLATFORM_FF=true in the environment would turn every flag on: refuse that.)
if (process.env.ENABLE_PLATFORM_FF === 'true' || process.env.STORYBOOK_ENABLE_PLATFORM_FF === 'true') {
  process.stderr.write('adf_utils_validate: unset ENABLE_PLATFORM_FF/STORYBOOK_ENABLE_PLATFORM_FF\n');
  process.exit(2);
}
setBooleanFeatureFlagResolver(() => false);

// Nothing the validator logs is a verdict, and stdout carries our protocol: keep library
// console output off it.
for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace']) {
  console[method] = () => {};
}

const { validator } = require('@atlaskit/adf-utils/validator');

const validate = validator(undefined, undefined, {
  mode: 'strict',
  allowPrivateAttributes: false,
  stage0: false,
});

function revive(_key, value) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$nonFinite') {
      return Number(value.$nonFinite);
    }
  }
  return value;
}

function verdict(line) {
  let doc;
  try {
    doc = JSON.parse(line, revive);
  } catch (e) {
    return { valid: false, error: `bad input line: ${e.message}`, exception: 'InputError', crash: true };
  }
  try {
    validate(doc);
    return { valid: true, error: null, exception: null, crash: false };
  } catch (e) {
    if (e instanceof Error) {
      const name = e.constructor && e.constructor.name ? e.constructor.name : 'Error';
      return { valid: false, error: String(e.message), exception: name, crash: name !== 'Error' };
    }
    return {
      valid: false,
      error: e === undefined ? '(threw undefined)' : `(threw ${typeof e}: ${String(e)})`,
      exception: e === undefined ? 'undefined' : typeof e,
      crash: e !== undefined,
    };
  }
}

// Every input line gets exactly one output line, in order (an empty line is bad input).
const out = [];
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  out.push(JSON.stringify(verdict(line)));
  if (out.length >= 256) {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  }
});
rl.on('close', () => {
  if (out.length) {
    process.stdout.write(out.join('\n') + '\n');
  }
});
