#!/usr/bin/env bash
# The one command that rebuilds every bundled model package from the training code:
#   bash models/training/build_all.sh
# Trains each model (fixed seeds), exports it to ONNX with our converters, verifies the exported graph
# against the sklearn estimator in ONNX Runtime on every row of its dataset, and only then writes
# models/<name>/<version>/{model.onnx,model.json,samples.csv}, models/<name>/routing.json and
# models/<name>/data/{train,holdout,drifted}.csv. Finally it profiles the training data into each
# package's baseline.json with the Shipyard CLI (`shipyard profile`). Running it twice gives
# byte-identical files on one machine, except baseline.json's `created` time (samples.csv: see README, Determinism).
# Prerequisites: models/training/install.sh, and `npm ci --ignore-scripts` at the repo root.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Debian's interpreter (python3-sklearn/onnx live there, not in a pyenv or venv python).
PYTHON="${SHIPYARD_PYTHON:-/usr/bin/python3}"
# One BLAS thread: the MLP's float sums then happen in the same order on every machine.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1

for script in train_breast_cancer train_diabetes train_digits; do
  "$PYTHON" "models/training/$script.py" models
done

# Training profiles (baseline.json) for drift monitoring, written by the drift feature's own command
# (`shipyard profile`, src/Shipyard.Cli/Commands/ProfileCommand.cs). Build once, then run without rebuilding.
dotnet build src/Shipyard.Cli -v quiet -nologo
for package in "breast-cancer 1" "breast-cancer 2" "diabetes 1" "digits 1"; do
  read -r name version <<<"$package"
  dotnet run --no-build --project src/Shipyard.Cli -- profile --model "$name" --version "$version" \
    --data "models/$name/data/train.csv"
done
