"""breast-cancer v1 (StandardScaler + LogisticRegression) and v2 (GradientBoostingClassifier).

Both versions share one stratified split (seed 42, 35% held out = 200 rows, so samples.csv is entirely
held-out data), so the canary comparison in routing.json is like for like.

usage: python3 models/training/train_breast_cancer.py [MODELS_DIR]
"""

import os
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shipyard_training import converters, metrics, packaging, verify  # noqa: E402

NAME = "breast-cancer"
TEST_SIZE = 0.35
CODE = "models/training/train_breast_cancer.py"
RUNTIME = {"device": "cpu", "devicePolicy": "require", "intraOpThreads": 1, "maxBatch": 1024}
#: Drift applied to holdout.csv to make drifted.csv (documented in README.md and data/README.md):
#: the scans now come from a referral clinic's new imaging system. Its contour detection runs at a
#: different resolution, so every linear size (radius, perimeter: mean, se, worst) reads 30% larger and
#: every area 1.3^2 = 69% larger; its grey-level normalisation and boundary smoothing differ, which moves
#: texture, smoothness and concave points up by 1.5 training standard deviations. 18 of 30 features
#: move, so the dataset-level rule (share of drifted features >= 0.5, DESIGN.md) fires, as it should
#: when every input of a model comes from a new instrument.
LINEAR_SCALE = 1.3


def _all_statistics(measure):
    """The three features sklearn derives from one measurement: its mean, standard error and worst value."""
    return [f"mean_{measure}", f"{measure}_error", f"worst_{measure}"]


SCALE = {feature: LINEAR_SCALE ** power
         for measure, power in (("radius", 1), ("perimeter", 1), ("area", 2))
         for feature in _all_statistics(measure)}
SHIFT_STD = {feature: 1.5
             for measure in ("texture", "smoothness", "concave_points")
             for feature in _all_statistics(measure)}


def drift(x_holdout, x_train, features):
    drifted = x_holdout.copy()
    for feature, multiples in SHIFT_STD.items():
        i = features.index(feature)
        drifted[:, i] = np.round(drifted[:, i] + multiples * x_train[:, i].std(), 4)
    for feature, factor in SCALE.items():
        i = features.index(feature)
        drifted[:, i] = np.round(drifted[:, i] * factor, 4)
    return drifted


def main(models_dir):
    data = load_breast_cancer()
    features = [packaging.snake_case(n) for n in data.feature_names]
    labels = [str(t) for t in data.target_names]  # ["malignant", "benign"], index = class id
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=TEST_SIZE, stratify=data.target, random_state=packaging.SEED)
    x_train32, x_test32 = packaging.as_float32_inputs(x_train), packaging.as_float32_inputs(x_test)
    x_all32 = np.vstack([x_train32, x_test32])
    split = {"test_size": TEST_SIZE, "stratify": True, "random_state": packaging.SEED}
    rows = {"train": int(x_train.shape[0]), "test": int(x_test.shape[0])}
    dataset = "sklearn.datasets.load_breast_cancer"

    # v1: standard scaling + logistic regression, exported as plain ONNX ops.
    scaler = StandardScaler().fit(x_train)
    logreg = LogisticRegression(C=1.0, max_iter=5000, random_state=packaging.SEED).fit(scaler.transform(x_train), y_train)

    def v1_proba(x):
        return logreg.predict_proba(scaler.transform(x))

    def v1_predict(x):
        return logreg.predict(scaler.transform(x))

    model_v1 = converters.convert_scaled_logistic_regression(
        scaler, logreg, "breast-cancer v1: StandardScaler + LogisticRegression (Shipyard training code)",
        {"shipyard.model": NAME, "shipyard.version": "1"})
    report_v1 = verify.check_classifier(model_v1, x_all32, v1_predict(x_all32), v1_proba(x_all32))
    print(f"{NAME} v1 verified against sklearn with ONNX Runtime: {report_v1}")

    # v2: gradient boosting on the raw features, exported as TreeEnsembleClassifier + ZipMap.
    gbc = GradientBoostingClassifier(n_estimators=150, learning_rate=0.1, max_depth=3,
                                     random_state=packaging.SEED).fit(x_train, y_train)
    model_v2 = converters.convert_gradient_boosting_classifier(
        gbc, "breast-cancer v2: GradientBoostingClassifier (Shipyard training code)",
        {"shipyard.model": NAME, "shipyard.version": "2"})
    report_v2 = verify.check_classifier(model_v2, x_all32, gbc.predict(x_all32), gbc.predict_proba(x_all32),
                                        probability_output="probability_tensor",
                                        extra_tensor_outputs=["probability_tensor"])
    print(f"{NAME} v2 verified against sklearn with ONNX Runtime: {report_v2}")

    versions = [
        ("1", model_v1, v1_predict, v1_proba,
         "Breast cancer diagnosis (Wisconsin) from 30 cell-nucleus measurements: standard scaling + logistic regression.",
         "StandardScaler + LogisticRegression(C=1.0, lbfgs)"),
        ("2", model_v2, gbc.predict, gbc.predict_proba,
         "Breast cancer diagnosis (Wisconsin) from 30 cell-nucleus measurements: gradient-boosted trees (canary candidate).",
         "GradientBoostingClassifier(n_estimators=150, learning_rate=0.1, max_depth=3)"),
    ]
    for version, model, predict, proba, description, estimator in versions:
        test_pred, test_proba = predict(x_test32), proba(x_test32)
        header, sample_rows = packaging.classifier_samples(features, labels, x_test, test_pred, test_proba)
        packaging.write_package(
            models_dir, name=NAME, version=version, task="binary-classification", description=description,
            features=features, x_train=x_train, model=model,
            outputs={"label": "label", "probabilities": "probabilities"}, labels=labels, runtime=RUNTIME,
            training={"dataset": dataset, "code": CODE, "estimator": estimator, "split": split,
                      "metrics": metrics.binary_classification(y_test, test_pred, test_proba), "rows": rows},
            samples_header=header, samples_rows=sample_rows)

    packaging.write_routing(models_dir, NAME, production="1", canary={"version": "2", "percent": 10})
    train_labels = [labels[int(c)] for c in v1_predict(x_train32)]  # production model's predictions
    packaging.write_data(models_dir, NAME, features, x_train, train_labels, x_test, drift(x_test, x_train, features))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
