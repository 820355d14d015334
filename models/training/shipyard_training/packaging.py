"""Writes model packages (models/<name>/<version>/) and demo data (models/<name>/data/).

Layout and manifest keys follow the model package contract in shared/DESIGN.md §3 and the team notes:
model.onnx, model.json, samples.csv per version; routing.json per model; train.csv, holdout.csv,
drifted.csv under data/. baseline.json is written by `shipyard profile` (see build_all.sh).
"""

import csv
import hashlib
import json
import os

import numpy as np
import sklearn

from .onnx_graph import INPUT_NAME, ONNX_OPSET, serialize

#: Fixed per release so that rebuilding gives identical files; bump it when models are retrained
#: for a new release (see models/training/README.md).
RELEASE_CREATED = "2026-11-22T00:00:00Z"
SEED = 42


def snake_case(name):
    """sklearn feature name -> package feature name ("mean concave points" -> "mean_concave_points")."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def fmt(value):
    """Full-precision text for a number: repr of the float64 value (round-trips exactly)."""
    return repr(float(value))


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_json(path, document):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2)
        f.write("\n")


def feature_entries(names, x_train):
    """Manifest `features`: float, required, min/max observed in the training split."""
    return [
        {"name": name, "type": "float", "required": True,
         "min": float(np.min(x_train[:, i])), "max": float(np.max(x_train[:, i]))}
        for i, name in enumerate(names)
    ]


def write_package(models_dir, *, name, version, task, description, features, x_train, model, outputs,
                  labels, runtime, training, samples_header, samples_rows):
    """Writes model.onnx, model.json and samples.csv; returns the package directory."""
    package_dir = os.path.join(models_dir, name, str(version))
    os.makedirs(package_dir, exist_ok=True)
    model_bytes = serialize(model)
    with open(os.path.join(package_dir, "model.onnx"), "wb") as f:
        f.write(model_bytes)
    manifest = {
        "name": name,
        "version": str(version),
        "task": task,
        "description": description,
        "features": feature_entries(features, x_train),
        "unknownFeatures": "reject",
        "onnx": {
            "inputs": [{"name": INPUT_NAME, "elementType": "float", "features": list(features)}],
            "outputs": outputs,
        },
    }
    if labels is not None:
        manifest["labels"] = list(labels)
    manifest["sha256"] = hashlib.sha256(model_bytes).hexdigest()
    manifest["runtime"] = runtime
    manifest["training"] = {
        **training,
        "seed": SEED,
        "created": RELEASE_CREATED,
        "sklearnVersion": sklearn.__version__,
        "onnxOpset": ONNX_OPSET,
    }
    write_json(os.path.join(package_dir, "model.json"), manifest)
    write_csv(os.path.join(package_dir, "samples.csv"), samples_header, samples_rows)
    return package_dir


def classifier_samples(features, labels, x, predicted_ids, probabilities):
    """samples.csv header and rows for a classifier: inputs, expected_label, expected_probability_<label>."""
    header = list(features) + ["expected_label"] + [f"expected_probability_{label}" for label in labels]
    rows = [
        [fmt(v) for v in x[i]] + [labels[int(predicted_ids[i])]] + [fmt(p) for p in probabilities[i]]
        for i in range(x.shape[0])
    ]
    return header, rows


def regression_samples(features, x, values):
    header = list(features) + ["expected_value"]
    rows = [[fmt(v) for v in x[i]] + [fmt(values[i])] for i in range(x.shape[0])]
    return header, rows


def write_routing(models_dir, name, production, canary=None):
    write_json(os.path.join(models_dir, name, "routing.json"),
               {"production": str(production), "staging": None, "canary": canary, "shadow": None})


def write_data(models_dir, name, features, x_train, train_predictions, x_holdout, x_drifted):
    """data/train.csv (features + prediction), data/holdout.csv and data/drifted.csv (features only)."""
    data_dir = os.path.join(models_dir, name, "data")
    write_csv(os.path.join(data_dir, "train.csv"), list(features) + ["prediction"],
              [[fmt(v) for v in x_train[i]] + [train_predictions[i]] for i in range(x_train.shape[0])])
    write_csv(os.path.join(data_dir, "holdout.csv"), list(features), [[fmt(v) for v in row] for row in x_holdout])
    write_csv(os.path.join(data_dir, "drifted.csv"), list(features), [[fmt(v) for v in row] for row in x_drifted])
    return data_dir


def as_float32_inputs(x):
    """The model's view of the inputs: float32 values (the ONNX input type), back in float64 for sklearn."""
    return x.astype(np.float32).astype(np.float64)
