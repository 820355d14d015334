#!/usr/bin/env bash
# Installs what models/training needs on Debian 12: scikit-learn, ONNX (python) and numpy from Debian's
# own packages (no pip), plus Node for the ONNX Runtime verification step (onnxruntime-node comes from
# the repository's package-lock.json: run `npm ci --ignore-scripts` at the repo root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends python3 python3-numpy python3-sklearn python3-onnx
command -v node >/dev/null || $SUDO apt-get install -y -q --no-install-recommends nodejs
