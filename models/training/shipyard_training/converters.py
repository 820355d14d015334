"""Converters from fitted scikit-learn estimators to ONNX graphs, written with onnx.helper.

skl2onnx is not packaged for Debian, so each estimator the project ships has a small converter here.
Every exported graph takes the raw features as `input` (float [batch, F]); preprocessing such as
standard scaling lives inside the graph.

Precision notes (see models/training/README.md):
* Linear and MLP graphs compute in float32, like most production ONNX graphs; the differences from
  sklearn's float64 arithmetic are around 1e-7 on probabilities.
* Tree ensembles cast the input to double and carry thresholds, leaf weights and base values as double
  tensors (the `*_as_tensor` attributes of ai.onnx.ml opset 3). sklearn's trees compare float32 inputs
  with float64 thresholds, so the comparisons are then bit-identical to sklearn's, and the leaf sums are
  accumulated in double: the classifier's only rounding left is its float32 probability output; the
  regressor's value output is double (see convert_gradient_boosting_regressor).
"""

import numpy as np
from onnx import TensorProto, helper

from .onnx_graph import INPUT_NAME, assemble, const, float_input, tensor_output, zipmap_output


def standard_scaler_nodes(scaler, prefix="scaler"):
    """(nodes, initializers, output name) computing (x - mean) / scale in float32."""
    mean = scaler.mean_ if scaler.with_mean else np.zeros(scaler.n_features_in_)
    scale = scaler.scale_ if scaler.with_std else np.ones(scaler.n_features_in_)
    inits = [const(f"{prefix}_mean", mean, np.float32), const(f"{prefix}_scale", scale, np.float32)]
    nodes = [
        helper.make_node("Sub", [INPUT_NAME, f"{prefix}_mean"], [f"{prefix}_centered"], name=f"{prefix}_sub"),
        helper.make_node("Div", [f"{prefix}_centered", f"{prefix}_scale"], [f"{prefix}_out"], name=f"{prefix}_div"),
    ]
    return nodes, inits, f"{prefix}_out"


def convert_scaled_logistic_regression(scaler, logreg, doc, metadata):
    """StandardScaler + binary LogisticRegression -> label int64 [N], probabilities float [N, 2].

    label = (logit > 0), as sklearn's predict; probabilities = [1 - sigmoid(logit), sigmoid(logit)],
    as sklearn's predict_proba for two classes.
    """
    if logreg.coef_.shape[0] != 1:
        raise ValueError("convert_scaled_logistic_regression handles binary LogisticRegression only")
    features = logreg.coef_.shape[1]
    nodes, inits, scaled = standard_scaler_nodes(scaler)
    inits += [
        const("coef", logreg.coef_.T, np.float32),  # [F, 1]
        const("intercept", logreg.intercept_, np.float32),  # [1]
        const("one", [1.0], np.float32),
        const("zero", [0.0], np.float32),
        const("label_axes", [1], np.int64),
    ]
    nodes += [
        helper.make_node("Gemm", [scaled, "coef", "intercept"], ["logit"], name="linear"),
        helper.make_node("Sigmoid", ["logit"], ["p_positive"], name="sigmoid"),
        helper.make_node("Sub", ["one", "p_positive"], ["p_negative"], name="complement"),
        helper.make_node("Concat", ["p_negative", "p_positive"], ["probabilities"], axis=1, name="probabilities"),
        helper.make_node("Greater", ["logit", "zero"], ["is_positive"], name="decision"),
        helper.make_node("Cast", ["is_positive"], ["label_column"], to=TensorProto.INT64, name="to_class_id"),
        helper.make_node("Squeeze", ["label_column", "label_axes"], ["label"], name="label"),
    ]
    outputs = [
        tensor_output("label", TensorProto.INT64, ["batch"]),
        tensor_output("probabilities", TensorProto.FLOAT, ["batch", 2]),
    ]
    return assemble("scaled_logistic_regression", doc, nodes, [float_input(features)], outputs, inits,
                    metadata=metadata)


def convert_scaled_mlp_classifier(scaler, mlp, doc, metadata):
    """StandardScaler + multi-class MLPClassifier (relu hidden layers, softmax output).

    Outputs label int64 [N] (class index = argmax, first on ties like numpy) and probabilities
    float [N, classes].
    """
    if mlp.activation != "relu" or mlp.out_activation_ != "softmax":
        raise ValueError("convert_scaled_mlp_classifier handles relu hidden layers with a softmax output")
    features = mlp.coefs_[0].shape[0]
    classes = mlp.coefs_[-1].shape[1]
    nodes, inits, current = standard_scaler_nodes(scaler)
    last = len(mlp.coefs_) - 1
    for i, (weights, bias) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        inits += [const(f"w{i}", weights, np.float32), const(f"b{i}", bias, np.float32)]
        nodes.append(helper.make_node("MatMul", [current, f"w{i}"], [f"mm{i}"], name=f"layer{i}_matmul"))
        nodes.append(helper.make_node("Add", [f"mm{i}", f"b{i}"], [f"z{i}"], name=f"layer{i}_bias"))
        if i < last:
            nodes.append(helper.make_node("Relu", [f"z{i}"], [f"h{i}"], name=f"layer{i}_relu"))
            current = f"h{i}"
        else:
            current = f"z{i}"
    nodes += [
        helper.make_node("Softmax", [current], ["probabilities"], axis=1, name="softmax"),
        helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0, name="label"),
    ]
    outputs = [
        tensor_output("label", TensorProto.INT64, ["batch"]),
        tensor_output("probabilities", TensorProto.FLOAT, ["batch", classes]),
    ]
    return assemble("scaled_mlp_classifier", doc, nodes, [float_input(features)], outputs, inits,
                    metadata=metadata)


def _tree_attributes(trees, weight_scale):
    """Node and leaf tuples for a list of sklearn trees (`tree_` objects) with one output each.

    Node ids are sklearn's own node indices. Leaf values are multiplied by `weight_scale` in float64
    (exactly as sklearn multiplies each stage's prediction by the learning rate).
    Returns (nodes dict, leaves list of (tree_id, node_id, weight)).
    """
    nodes = {k: [] for k in ("treeids", "nodeids", "featureids", "modes", "values", "true", "false")}
    leaves = []
    for tree_id, tree in enumerate(trees):
        for node_id in range(tree.node_count):
            left = int(tree.children_left[node_id])
            is_leaf = left == -1
            nodes["treeids"].append(tree_id)
            nodes["nodeids"].append(node_id)
            nodes["featureids"].append(0 if is_leaf else int(tree.feature[node_id]))
            nodes["modes"].append("LEAF" if is_leaf else "BRANCH_LEQ")
            nodes["values"].append(0.0 if is_leaf else float(tree.threshold[node_id]))
            nodes["true"].append(0 if is_leaf else left)
            nodes["false"].append(0 if is_leaf else int(tree.children_right[node_id]))
            if is_leaf:
                leaves.append((tree_id, node_id, float(tree.value[node_id].ravel()[0]) * weight_scale))
    return nodes, leaves


def _double_tensor(name, values):
    return helper.make_tensor(name, TensorProto.DOUBLE, [len(values)], np.asarray(values, dtype=np.float64))


def _tree_node_attributes(nodes):
    return dict(
        nodes_treeids=nodes["treeids"],
        nodes_nodeids=nodes["nodeids"],
        nodes_featureids=nodes["featureids"],
        nodes_modes=nodes["modes"],
        nodes_values_as_tensor=_double_tensor("nodes_values", nodes["values"]),
        nodes_truenodeids=nodes["true"],
        nodes_falsenodeids=nodes["false"],
    )


def _to_double_node():
    return helper.make_node("Cast", [INPUT_NAME], ["input_double"], to=TensorProto.DOUBLE, name="to_double")


def convert_gradient_boosting_classifier(gbc, doc, metadata):
    """Binary GradientBoostingClassifier -> TreeEnsembleClassifier (LOGISTIC) + ZipMap.

    sklearn: p(class 1) = expit(init + learning_rate * sum of trees). The ensemble carries one score
    (class_ids all 0) with base value `init`; ONNX Runtime's binary case turns that score s into the
    two class scores [-s, s] before the LOGISTIC post-transform, giving [1 - p, p].
    Outputs label int64 [N] and probabilities seq(map(int64, float)) (ZipMap, keys 0 and 1).
    """
    if gbc.n_classes_ != 2 or gbc.estimators_.shape[1] != 1:
        raise ValueError("convert_gradient_boosting_classifier handles binary classifiers only")
    if gbc.loss not in ("log_loss", "deviance"):
        raise ValueError(f"unsupported GradientBoostingClassifier loss {gbc.loss!r}")
    features = gbc.n_features_in_
    init = float(gbc._raw_predict_init(np.zeros((1, features), dtype=np.float32))[0, 0])
    nodes, leaves = _tree_attributes([e.tree_ for e in gbc.estimators_[:, 0]], gbc.learning_rate)
    ensemble = helper.make_node(
        "TreeEnsembleClassifier",
        ["input_double"],
        ["label", "probability_tensor"],
        domain="ai.onnx.ml",
        name="gradient_boosting",
        classlabels_int64s=[int(c) for c in gbc.classes_],
        post_transform="LOGISTIC",
        base_values_as_tensor=_double_tensor("base_values", [init]),
        class_treeids=[t for t, _, _ in leaves],
        class_nodeids=[n for _, n, _ in leaves],
        class_ids=[0] * len(leaves),
        class_weights_as_tensor=_double_tensor("class_weights", [w for _, _, w in leaves]),
        **_tree_node_attributes(nodes),
    )
    zipmap = helper.make_node("ZipMap", ["probability_tensor"], ["probabilities"], domain="ai.onnx.ml",
                              name="zipmap", classlabels_int64s=[int(c) for c in gbc.classes_])
    outputs = [tensor_output("label", TensorProto.INT64, ["batch"]), zipmap_output("probabilities")]
    return assemble("gradient_boosting_classifier", doc, [_to_double_node(), ensemble, zipmap],
                    [float_input(features)], outputs, [], uses_ml=True, metadata=metadata)


def convert_gradient_boosting_regressor(gbr, doc, metadata, output_name="variable"):
    """GradientBoostingRegressor (squared error) -> TreeEnsembleRegressor, output double [N, 1].

    The diabetes targets reach ~350, where float32 cannot resolve 1e-5 (its spacing there is 3e-5),
    so the value output is double. TreeEnsembleRegressor's own output is float, so each tree writes
    its scaled leaf value w to two targets of its own, hi = float32(w) and lo = float32(w - hi)
    (hi + lo equals w to ~1e-15 relative); the graph casts those [N, 2T] floats to double, sums them
    and adds sklearn's init value in double: value = init + sum over trees of w, as sklearn computes.
    """
    if gbr.loss != "squared_error":
        raise ValueError(f"unsupported GradientBoostingRegressor loss {gbr.loss!r}")
    features = gbr.n_features_in_
    init = float(gbr._raw_predict_init(np.zeros((1, features), dtype=np.float32))[0, 0])
    nodes, leaves = _tree_attributes([e.tree_ for e in gbr.estimators_[:, 0]], gbr.learning_rate)
    target_tree, target_node, target_id, target_weight = [], [], [], []
    for tree_id, node_id, weight in leaves:
        hi = np.float32(weight)
        lo = np.float32(weight - np.float64(hi))
        for part, value in ((0, hi), (1, lo)):
            target_tree.append(tree_id)
            target_node.append(node_id)
            target_id.append(2 * tree_id + part)
            target_weight.append(float(value))
    tree_count = gbr.estimators_.shape[0]
    ensemble = helper.make_node(
        "TreeEnsembleRegressor",
        ["input_double"],
        ["tree_parts"],
        domain="ai.onnx.ml",
        name="gradient_boosting",
        n_targets=2 * tree_count,
        aggregate_function="SUM",
        post_transform="NONE",
        target_treeids=target_tree,
        target_nodeids=target_node,
        target_ids=target_id,
        target_weights=target_weight,
        **_tree_node_attributes(nodes),
    )
    inits = [const("init", [[init]], np.float64), const("sum_axes", [1], np.int64)]
    graph_nodes = [
        _to_double_node(),
        ensemble,
        helper.make_node("Cast", ["tree_parts"], ["tree_parts_double"], to=TensorProto.DOUBLE, name="parts_to_double"),
        helper.make_node("ReduceSum", ["tree_parts_double", "sum_axes"], ["tree_sum"], keepdims=1, name="sum_trees"),
        helper.make_node("Add", ["tree_sum", "init"], [output_name], name="add_init"),
    ]
    outputs = [tensor_output(output_name, TensorProto.DOUBLE, ["batch", 1])]
    return assemble("gradient_boosting_regressor", doc, graph_nodes, [float_input(features)], outputs, inits,
                    uses_ml=True, metadata=metadata)
