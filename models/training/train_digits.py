"""digits v1: StandardScaler + MLPClassifier (two hidden layers of 256 relu units) on the 8x8 digits.

The "heavy" sample model: its manifest asks for the CUDA execution provider with CPU fallback
(devicePolicy prefer-gpu), so the deployment routes it to the GPU tier. Split: seed 42, stratified,
25% held out (450 rows, all of them in samples.csv).

usage: python3 models/training/train_digits.py [MODELS_DIR]
"""

import os
import sys
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shipyard_training import converters, metrics, packaging, verify  # noqa: E402

NAME = "digits"
TEST_SIZE = 0.25
HIDDEN = (256, 256)
MAX_ITER = 200
CODE = "models/training/train_digits.py"
RUNTIME = {"device": "cuda", "devicePolicy": "prefer-gpu", "intraOpThreads": 1, "maxBatch": 1024}
#: Drift applied to holdout.csv to make drifted.csv (documented in README.md and data/README.md): a
#: scratch on the scanner glass across pixel row 4 adds 8 intensity levels (clipped to the 0..16 range).
SCRATCH_ROW = 4
SCRATCH_INTENSITY = 8.0


def drift(x_holdout):
    drifted = x_holdout.copy()
    row = slice(SCRATCH_ROW * 8, SCRATCH_ROW * 8 + 8)
    drifted[:, row] = np.clip(drifted[:, row] + SCRATCH_INTENSITY, 0.0, 16.0)
    return drifted


def main(models_dir):
    data = load_digits()
    features = [f"pixel_{i}" for i in range(data.data.shape[1])]
    labels = [str(int(t)) for t in data.target_names]  # "0".."9", index = class id
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=TEST_SIZE, stratify=data.target, random_state=packaging.SEED)
    x_train32, x_test32 = packaging.as_float32_inputs(x_train), packaging.as_float32_inputs(x_test)
    x_all32 = np.vstack([x_train32, x_test32])

    scaler = StandardScaler().fit(x_train)
    mlp = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam", alpha=1e-4,
                        max_iter=MAX_ITER, random_state=packaging.SEED)
    with warnings.catch_warnings():
        # Training loss reaches ~0 on this small set before MAX_ITER; the warning is expected noise.
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(scaler.transform(x_train), y_train)

    def predict(x):
        return mlp.predict(scaler.transform(x))

    def proba(x):
        return mlp.predict_proba(scaler.transform(x))

    model = converters.convert_scaled_mlp_classifier(
        scaler, mlp, "digits v1: StandardScaler + MLPClassifier 256x256 (Shipyard training code)",
        {"shipyard.model": NAME, "shipyard.version": "1"})
    report = verify.check_classifier(model, x_all32, predict(x_all32), proba(x_all32))
    print(f"{NAME} v1 verified against sklearn with ONNX Runtime: {report}")

    test_pred, test_proba = predict(x_test32), proba(x_test32)
    header, sample_rows = packaging.classifier_samples(features, labels, x_test, test_pred, test_proba)
    packaging.write_package(
        models_dir, name=NAME, version="1", task="multiclass-classification",
        description="Handwritten digit recognition from 8x8 grey-level images (pixel intensities 0..16, "
                    "row-major pixel_0..pixel_63): standard scaling + a 256x256 relu MLP. GPU-tier sample model.",
        features=features, x_train=x_train, model=model, outputs={"label": "label", "probabilities": "probabilities"},
        labels=labels, runtime=RUNTIME,
        training={"dataset": "sklearn.datasets.load_digits", "code": CODE,
                  "estimator": f"StandardScaler + MLPClassifier(hidden_layer_sizes={HIDDEN}, relu, adam, "
                               f"alpha=1e-4, max_iter={MAX_ITER})",
                  "split": {"test_size": TEST_SIZE, "stratify": True, "random_state": packaging.SEED},
                  "metrics": metrics.multiclass_classification(y_test, test_pred, test_proba),
                  "rows": {"train": int(x_train.shape[0]), "test": int(x_test.shape[0])}},
        samples_header=header, samples_rows=sample_rows)

    packaging.write_routing(models_dir, NAME, production="1")
    train_labels = [labels[int(c)] for c in predict(x_train32)]
    packaging.write_data(models_dir, NAME, features, x_train, train_labels, x_test, drift(x_test))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
