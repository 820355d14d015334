"""Checks an exported ONNX graph against the fitted estimator with the real ONNX Runtime.

python3-onnx 1.12 (Debian 12) has no onnx.reference evaluator, so the graph runs in ONNX Runtime 1.30
through onnxruntime-node from the repository's node_modules (models/training/ort_run.js): the same
native library Shipyard.Onnx binds to.
"""

import copy
import json
import os
import subprocess
import tempfile

import numpy as np
from onnx import TensorProto, helper

from .onnx_graph import serialize

TRAINING_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: Labels must match exactly; probabilities and values within this absolute tolerance.
TOLERANCE = 1e-5


def run_onnx(model, x32, outputs, extra_tensor_outputs=()):
    """Runs `model` on float32 matrix `x32` and returns {output name: numpy array}.

    onnxruntime-node cannot return non-tensor outputs (ZipMap's seq(map)), so tensors feeding such an
    output can be fetched instead by naming them in `extra_tensor_outputs`: they are added as graph
    outputs (float tensors) to a copy of the model; the shipped model itself is not changed.
    """
    if extra_tensor_outputs:
        model = copy.deepcopy(model)
        for name in extra_tensor_outputs:
            model.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    x32 = np.ascontiguousarray(x32, dtype="<f4")
    with tempfile.TemporaryDirectory(prefix="shipyard-verify-") as tmp:
        model_path = os.path.join(tmp, "model.onnx")
        input_path = os.path.join(tmp, "input.f32")
        with open(model_path, "wb") as f:
            f.write(serialize(model))
        x32.tofile(input_path)
        fetch = list(outputs) + list(extra_tensor_outputs)
        proc = subprocess.run(
            ["node", os.path.join(TRAINING_DIR, "ort_run.js"), model_path, input_path,
             str(x32.shape[0]), str(x32.shape[1]), ",".join(fetch)],
            capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"ONNX Runtime failed on the exported graph:\n{proc.stderr}")
        raw = json.loads(proc.stdout)
    return {name: np.asarray(raw[name]["data"]).reshape(raw[name]["dims"]) for name in fetch}


def check_classifier(model, x32, expected_labels, expected_probabilities, probability_output="probabilities",
                     extra_tensor_outputs=()):
    """Raises if labels differ anywhere or any probability differs by more than TOLERANCE."""
    got = run_onnx(model, x32, ["label"] if extra_tensor_outputs else ["label", probability_output],
                   extra_tensor_outputs)
    labels = got["label"].reshape(-1)
    probabilities = got[probability_output]
    mismatched = np.flatnonzero(labels != expected_labels)
    if mismatched.size:
        raise AssertionError(f"labels differ from sklearn on {mismatched.size} rows, first row {mismatched[0]}")
    worst = float(np.max(np.abs(probabilities - expected_probabilities)))
    if worst > TOLERANCE:
        raise AssertionError(f"probabilities differ from sklearn by up to {worst:.3g} (> {TOLERANCE})")
    return {"rows": int(x32.shape[0]), "labelMismatches": 0, "maxProbabilityError": worst}


def check_regressor(model, x32, expected_values, value_output):
    """Raises if any value differs from sklearn's by more than TOLERANCE."""
    values = run_onnx(model, x32, [value_output])[value_output].reshape(-1)
    worst = float(np.max(np.abs(values - expected_values)))
    if worst > TOLERANCE:
        raise AssertionError(f"values differ from sklearn by up to {worst:.3g} (> {TOLERANCE})")
    return {"rows": int(x32.shape[0]), "maxValueError": worst}
