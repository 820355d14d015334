// Validates one JSON (or YAML) document against one JSON Schema file with ajv, and prints the result as JSON:
// {"errors":["<instancePath>: <message> (<keyword> <params>)", ...], "unresolvedRefs":[...]}.
// Usage: node validate-json.js <node_modules dir> <schema file> <document file>
// The draft is chosen from the schema's $schema: 2020-12 -> ajv/dist/2020, 2019-09 -> ajv/dist/2019,
// draft-07/06 -> ajv. Draft-04 schemas (SchemaStore's function.json, local.settings.json) are read as
// draft-07 after renaming the root "id" to "$id": ajv 8 has no draft-04 class in this repo's node_modules and
// the keywords those schemas use mean the same in both drafts (no boolean exclusiveMinimum/Maximum; checked).
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [nodeModules, schemaPath, documentPath] = process.argv.slice(2);
const requireFrom = createRequire(path.join(nodeModules, 'noop.js'));

function fail(message) {
  process.stderr.write(message + '\n');
  process.exit(2);
}

let schema;
try {
  schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
} catch (e) {
  fail(`schema ${schemaPath}: ${e.message}`);
}

let document;
try {
  const text = fs.readFileSync(documentPath, 'utf8');
  document = /\.ya?ml$/i.test(documentPath) ? requireFrom('yaml').parse(text) : JSON.parse(text);
} catch (e) {
  fail(`document ${documentPath}: ${e.message}`);
}

const draft = String(schema.$schema || '');
let Ajv;
if (draft.includes('2020-12')) {
  Ajv = requireFrom('ajv/dist/2020').default;
} else if (draft.includes('2019-09')) {
  Ajv = requireFrom('ajv/dist/2019').default;
} else {
  Ajv = requireFrom('ajv').default;
  if (draft.includes('draft-04') || draft.includes('draft-06')) {
    delete schema.$schema;
    if (typeof schema.id === 'string' && schema.$id === undefined) {
      schema.$id = schema.id;
      delete schema.id;
    }
  }
}

const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
requireFrom('ajv-formats').default(ajv);

// Remote $refs cannot be fetched here (no network in tests); each is registered as an empty (accept-all)
// schema and reported, so a caller can see what was not checked.
const unresolvedRefs = new Set();
(function collect(node) {
  if (Array.isArray(node)) {
    node.forEach(collect);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && /^https?:\/\//.test(value)) {
        const base = value.split('#')[0];
        if (base !== schema.$id) unresolvedRefs.add(base);
      } else {
        collect(value);
      }
    }
  }
})(schema);
for (const ref of unresolvedRefs) ajv.addSchema({ $id: ref }, ref);

let validate;
try {
  validate = ajv.compile(schema);
} catch (e) {
  fail(`schema ${schemaPath} does not compile: ${e.message}`);
}

const ok = validate(document);
const errors = ok ? [] : validate.errors.map(
  (e) => `${e.instancePath || '/'}: ${e.message} (${e.keyword} ${JSON.stringify(e.params)})`);
process.stdout.write(JSON.stringify({ errors, unresolvedRefs: [...unresolvedRefs] }));
