// The benchmark peer (DESIGN.md §4 "HTTP"): a minimal Node.js HTTP server that serves one model with
// onnxruntime-node, with the same request and response shape as Shipyard's predict route:
//   POST /api/models/<name>/predict  {"instances":[{"<feature>":number,...},...]}
//   -> {"model":"<name>","version":"<v>","predictions":[{"label":"...","probabilities":{"<label>":p,...}}]}
// It checks what a fair minimal server must (JSON, instances array, every feature a finite number) and nothing more.
//
// usage: node tests/peers/node-http/server.js [--port 7072] [--model breast-cancer] [--version 1]
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const ort = require(path.join(repoRoot, 'node_modules', 'onnxruntime-node'));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', '7072'));
const modelName = arg('model', 'breast-cancer');
const version = arg('version', '1');
const packageDir = path.join(repoRoot, 'models', modelName, version);
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'model.json'), 'utf8'));
const input = manifest.onnx.inputs[0];
const features = input.features || manifest.features.map((f) => f.name);
const labels = manifest.labels;
const outputs = manifest.onnx.outputs;
const route = `/api/models/${modelName}/predict`;
const maxBody = 4 * 1024 * 1024;

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': status === 200 ? 'application/json; charset=utf-8' : 'application/problem+json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function pack(instances) {
  const data = new Float32Array(instances.length * features.length);
  for (let r = 0; r < instances.length; r++) {
    const instance = instances[r];
    if (instance === null || typeof instance !== 'object' || Array.isArray(instance)) {
      throw new Error(`instances[${r}]: expected an object`);
    }
    for (let c = 0; c < features.length; c++) {
      const value = instance[features[c]];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(`instances[${r}].${features[c]}: expected a number`);
      }
      data[r * features.length + c] = value;
    }
  }
  return data;
}

async function main() {
  const session = await ort.InferenceSession.create(path.join(packageDir, 'model.onnx'), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });

  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== route) {
      reply(res, req.url === route ? 405 : 404, { title: 'Not found', status: 404 });
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > maxBody) {
        reply(res, 413, { title: 'Request body too large', status: 413 });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', async () => {
      let instances;
      let data;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        instances = body && body.instances;
        if (!Array.isArray(instances) || instances.length === 0) {
          throw new Error('instances: expected a non-empty array');
        }
        data = pack(instances);
      } catch (e) {
        reply(res, 400, { title: 'Bad request', status: 400, detail: e.message });
        return;
      }
      try {
        const feeds = { [input.name]: new ort.Tensor('float32', data, [instances.length, features.length]) };
        const result = await session.run(feeds, [outputs.label, outputs.probabilities]);
        const ids = result[outputs.label].data;
        const probs = result[outputs.probabilities].data;
        const predictions = new Array(instances.length);
        for (let r = 0; r < instances.length; r++) {
          const p = {};
          for (let c = 0; c < labels.length; c++) {
            p[labels[c]] = probs[r * labels.length + c];
          }
          predictions[r] = { label: labels[Number(ids[r])], probabilities: p };
        }
        reply(res, 200, { model: modelName, version, predictions });
      } catch (e) {
        reply(res, 500, { title: 'Scoring failed', status: 500, detail: e.message });
      }
    });
  });
  server.keepAliveTimeout = 65000;
  server.listen(port, '127.0.0.1', () => process.stdout.write(`node peer serving ${modelName} v${version} on http://127.0.0.1:${port}${route}\n`));
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
