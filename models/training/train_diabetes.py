"""diabetes v1: GradientBoostingRegressor on sklearn's diabetes data (disease progression after one year).

Split: seed 42, 25% held out (111 rows), stratified on target quintiles so both sides cover the same
range of disease progression (without it, seed 42 happens to put lighter patients in the test split:
bmi differs between the splits at KS p = 0.03, which would show as drift on the undrifted holdout). samples.csv holds those 111 held-out rows first, then the first
89 rows of the training split to reach 200 rows (a regression check on rows the model has seen is still a
check of the exported graph against sklearn, which is what samples.csv is for).

usage: python3 models/training/train_diabetes.py [MODELS_DIR]
"""

import os
import sys

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shipyard_training import converters, metrics, packaging, verify  # noqa: E402

NAME = "diabetes"
TEST_SIZE = 0.25
MIN_SAMPLES = 200
CODE = "models/training/train_diabetes.py"
RUNTIME = {"device": "cpu", "devicePolicy": "require", "intraOpThreads": 1, "maxBatch": 1024}
#: Drift applied to holdout.csv to make drifted.csv (documented in README.md and data/README.md): an
#: older, heavier clinic population (bmi +1.5 std, age +1.0 std) and a blood-pressure cuff that reads
#: 10% high (raw bp in mmHg x 1.10, mapped back into sklearn's scaled units).
SHIFT_STD = {"bmi": 1.5, "age": 1.0}
RAW_SCALE = {"bp": 1.10}


def drift(x_holdout, x_train, features, x_scaled_all, x_raw_all):
    drifted = x_holdout.copy()
    for feature, multiples in SHIFT_STD.items():
        i = features.index(feature)
        drifted[:, i] = drifted[:, i] + multiples * x_train[:, i].std()
    for feature, factor in RAW_SCALE.items():
        # sklearn's scaled column is exactly a * raw + b (centred and scaled); raw * k in those units
        # is k * x + (1 - k) * b.
        i = features.index(feature)
        _, intercept = np.polyfit(x_raw_all[:, i], x_scaled_all[:, i], 1)
        drifted[:, i] = factor * drifted[:, i] + (1.0 - factor) * intercept
    return drifted


def main(models_dir):
    data = load_diabetes()
    features = [packaging.snake_case(n) for n in data.feature_names]  # age, sex, bmi, bp, s1..s6
    quintiles = np.digitize(data.target, np.quantile(data.target, [0.2, 0.4, 0.6, 0.8]))
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=TEST_SIZE, stratify=quintiles, random_state=packaging.SEED)
    x_train32, x_test32 = packaging.as_float32_inputs(x_train), packaging.as_float32_inputs(x_test)
    x_all32 = np.vstack([x_train32, x_test32])

    gbr = GradientBoostingRegressor(n_estimators=150, learning_rate=0.05, max_depth=3, subsample=1.0,
                                    random_state=packaging.SEED).fit(x_train, y_train)
    model = converters.convert_gradient_boosting_regressor(
        gbr, "diabetes v1: GradientBoostingRegressor (Shipyard training code)",
        {"shipyard.model": NAME, "shipyard.version": "1"}, output_name="variable")
    report = verify.check_regressor(model, x_all32, gbr.predict(x_all32), "variable")
    print(f"{NAME} v1 verified against sklearn with ONNX Runtime: {report}")

    extra = max(0, MIN_SAMPLES - x_test.shape[0])
    x_samples = np.vstack([x_test, x_train[:extra]])
    header, sample_rows = packaging.regression_samples(
        features, x_samples, gbr.predict(packaging.as_float32_inputs(x_samples)))
    packaging.write_package(
        models_dir, name=NAME, version="1", task="regression",
        description="Diabetes disease progression one year after baseline, from age, sex, BMI, blood pressure "
                    "and six blood serum measurements (scaled as in sklearn): gradient-boosted trees.",
        features=features, x_train=x_train, model=model, outputs={"value": "variable"}, labels=None,
        runtime=RUNTIME,
        training={"dataset": "sklearn.datasets.load_diabetes", "code": CODE,
                  "estimator": "GradientBoostingRegressor(n_estimators=150, learning_rate=0.05, max_depth=3)",
                  "split": {"test_size": TEST_SIZE, "stratify": True, "stratifyOn": "target quintiles",
                            "random_state": packaging.SEED},
                  "metrics": metrics.regression(y_test, gbr.predict(x_test32)),
                  "rows": {"train": int(x_train.shape[0]), "test": int(x_test.shape[0])}},
        samples_header=header, samples_rows=sample_rows)

    packaging.write_routing(models_dir, NAME, production="1")
    train_values = [packaging.fmt(v) for v in gbr.predict(x_train32)]
    packaging.write_data(models_dir, NAME, features, x_train, train_values, x_test, drift(x_test, x_train, features, data.data, load_diabetes(scaled=False).data))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
