#!/usr/bin/env node
// Peer benchmark for ONNX Runtime calls (docs/benchmarks.md, "ONNX Runtime"): the same models, the same work per call
// (wrap a Float32Array as an input tensor, run, read the int64 label and float probabilities) and the same thread
// settings (1 intra-op, 1 inter-op thread, sequential, all graph optimizations) through onnxruntime-node 1.30.
//
//   node tests/peers/ort-node/bench.js [--iterations N] [--warmup N]
//
// Prints one line per (model, rows): median, p90 and mean latency per run in microseconds.
'use strict';
const path = require('path');
const fs = require('fs');

const root = path.resolve(__dirname, '..', '..', '..');
const ort = require(path.join(root, 'node_modules', 'onnxruntime-node'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const models = [
  ['dense-30x2', path.join(__dirname, 'dense-30x2.onnx')],
  ['breast-cancer', path.join(root, 'models', 'breast-cancer', '1', 'model.onnx')],
];

// Deterministic features in [0, 20), like the .NET benchmark (values differ, the work does not).
function features(count) {
  let seed = 42;
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[i] = (seed / 2147483648) * 20;
  }
  return data;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function measure(session, inputName, rows, warmup, iterations) {
  const data = features(rows * 30);
  const once = async () => {
    const feeds = { [inputName]: new ort.Tensor('float32', data, [rows, 30]) };
    const results = await session.run(feeds);
    const names = session.outputNames;
    const label = results[names[0]].data;
    const probabilities = results[names[1]].data;
    return Number(label[label.length - 1]) + probabilities[probabilities.length - 1];
  };
  for (let i = 0; i < warmup; i++) await once();
  const times = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await once();
    times[i] = Number(process.hrtime.bigint() - start) / 1000; // microseconds
  }
  const sorted = Array.from(times).sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), mean };
}

async function main() {
  const options = {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  };
  console.log(`onnxruntime-node ${require(path.join(root, 'node_modules', 'onnxruntime-node', 'package.json')).version}, node ${process.version}`);
  for (const [name, file] of models) {
    if (!fs.existsSync(file)) {
      console.log(`${name}: ${file} missing, skipped`);
      continue;
    }
    const session = await ort.InferenceSession.create(file, options);
    for (const rows of [1, 1024]) {
      const iterations = arg('--iterations', rows === 1 ? 20000 : 2000);
      const warmup = arg('--warmup', Math.ceil(iterations / 5));
      const r = await measure(session, session.inputNames[0], rows, warmup, iterations);
      console.log(`${name.padEnd(14)} rows=${String(rows).padEnd(5)} median ${r.median.toFixed(2)} us  p90 ${r.p90.toFixed(2)} us  mean ${r.mean.toFixed(2)} us  (${iterations} runs)`);
    }
    await session.release();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
