// Atlassian's wiki markup transformer (@atlaskit/editor-wikimarkup-transformer) as a batch
// service for adfkit's differential tests (tests/test_wiki_transformer.py).
//
// Input (stdin): one JSON value per line, either a string (wiki markup to parse) or an
// object {"encode": <ADF document>} (an ADF document to write as wiki markup).
// Output (stdout): one JSON line per input line, in order:
//   {"adf": <document>, "error": null}       for a parse
//   {"wiki": "<markup>", "error": null}      for an encode
//   {"adf": null, "error": "<message>"}      when the transformer threw
// The transformer runs with no context: no mention, media or issue-key conversion maps,
// which is what a caller that knows nothing about the Jira site gets.

import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);

// Nothing the libraries log is an answer, and stdout carries our protocol.
for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace']) {
  console[method] = () => {};
}

const { WikiMarkupTransformer } = require('@atlaskit/editor-wikimarkup-transformer');
const { JSONTransformer } = require('@atlaskit/editor-json-transformer');
const { defaultSchema } = require('@atlaskit/adf-schema/schema-default');

const wiki = new WikiMarkupTransformer(defaultSchema);
const json = new JSONTransformer();

function answer(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    return { adf: null, error: `bad input line: ${e.message}` };
  }
  try {
    if (typeof request === 'string') {
      return { adf: json.encode(wiki.parse(request)), error: null };
    }
    const node = defaultSchema.nodeFromJSON(request.encode);
    return { wiki: wiki.encode(node), error: null };
  } catch (e) {
    return { adf: null, error: String(e && e.message ? e.message : e) };
  }
}

const out = [];
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  out.push(JSON.stringify(answer(line)));
  if (out.length >= 64) {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  }
});
rl.on('close', () => {
  if (out.length) {
    process.stdout.write(out.join('\n') + '\n');
  }
});
