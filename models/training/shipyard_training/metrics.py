"""Held-out metrics written into each manifest's `training.metrics` (rounded to 6 decimals)."""

from sklearn import metrics


def _r(value):
    return round(float(value), 6)


def binary_classification(y_true, predicted, probabilities):
    return {
        "accuracy": _r(metrics.accuracy_score(y_true, predicted)),
        "balancedAccuracy": _r(metrics.balanced_accuracy_score(y_true, predicted)),
        "f1Macro": _r(metrics.f1_score(y_true, predicted, average="macro")),
        "rocAuc": _r(metrics.roc_auc_score(y_true, probabilities[:, 1])),
        "logLoss": _r(metrics.log_loss(y_true, probabilities)),
    }


def multiclass_classification(y_true, predicted, probabilities):
    return {
        "accuracy": _r(metrics.accuracy_score(y_true, predicted)),
        "balancedAccuracy": _r(metrics.balanced_accuracy_score(y_true, predicted)),
        "f1Macro": _r(metrics.f1_score(y_true, predicted, average="macro")),
        "logLoss": _r(metrics.log_loss(y_true, probabilities)),
    }


def regression(y_true, predicted):
    return {
        "r2": _r(metrics.r2_score(y_true, predicted)),
        "mae": _r(metrics.mean_absolute_error(y_true, predicted)),
        "rmse": _r(metrics.mean_squared_error(y_true, predicted) ** 0.5),
    }
