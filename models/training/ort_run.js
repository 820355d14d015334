// Runs an ONNX model with ONNX Runtime (onnxruntime-node from the repo's node_modules) on a float32
// matrix and prints the requested outputs as JSON. Used by shipyard_training/verify.py to check each
// exported graph against the sklearn estimator before a package is written.
//
// usage: node models/training/ort_run.js MODEL.onnx INPUT.f32 ROWS COLS OUTPUT_NAME[,OUTPUT_NAME...]
// INPUT.f32 holds ROWS*COLS little-endian float32 values, row-major.
'use strict';
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const ort = require(path.join(repoRoot, 'node_modules', 'onnxruntime-node'));

async function main() {
  const [modelPath, inputPath, rowsText, colsText, outputsText] = process.argv.slice(2);
  if (!outputsText) {
    throw new Error('usage: ort_run.js MODEL.onnx INPUT.f32 ROWS COLS OUTPUT[,OUTPUT...]');
  }
  const rows = Number(rowsText);
  const cols = Number(colsText);
  const bytes = fs.readFileSync(inputPath);
  if (bytes.length !== rows * cols * 4) {
    throw new Error(`input file has ${bytes.length} bytes, expected ${rows * cols * 4}`);
  }
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, rows * cols);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const fetches = outputsText.split(',');
  const results = await session.run({ input: new ort.Tensor('float32', data, [rows, cols]) }, fetches);
  const out = {};
  for (const name of fetches) {
    const tensor = results[name];
    out[name] = {
      type: tensor.type,
      dims: Array.from(tensor.dims),
      // float32 -> JS number (double) is exact; int64 arrives as BigInt.
      data: Array.from(tensor.data, (v) => (typeof v === 'bigint' ? Number(v) : v)),
    };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
