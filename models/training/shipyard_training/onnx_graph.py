"""Small helpers shared by the converters: constants, value infos, and model assembly.

Everything here is deterministic: the same estimator always produces the same bytes
(no timestamps, fixed producer fields, initializers in a fixed order).
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

#: Default-domain opset used by every exported graph (the newest python3-onnx 1.12 knows).
ONNX_OPSET = 17
#: ai.onnx.ml opset used by the tree ensembles and ZipMap.
ONNX_ML_OPSET = 3
#: IR version matching opset 17 (ONNX 1.12); ONNX Runtime 1.30 loads it.
IR_VERSION = 8
PRODUCER_NAME = "shipyard-training"
PRODUCER_VERSION = "1"
INPUT_NAME = "input"


def const(name, array, dtype):
    """An initializer holding `array` converted to `dtype` (a numpy dtype)."""
    return numpy_helper.from_array(np.ascontiguousarray(np.asarray(array, dtype=dtype)), name=name)


def float_input(feature_count):
    """The graph input every package uses: `input`, float [batch, feature_count], symbolic batch."""
    return helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["batch", feature_count])


def tensor_output(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


def zipmap_output(name):
    """Value info for ZipMap's output: seq(map(int64, float))."""
    value_type = onnx.TypeProto()
    value_type.tensor_type.elem_type = TensorProto.FLOAT
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = TensorProto.INT64
    map_type.map_type.value_type.CopyFrom(value_type)
    return helper.make_value_info(name, helper.make_sequence_type_proto(map_type))


def assemble(graph_name, doc, nodes, inputs, outputs, initializers, uses_ml=False, metadata=None):
    """Builds, checks and returns a ModelProto with fixed producer fields and opsets."""
    graph = helper.make_graph(nodes, graph_name, inputs, outputs, initializer=initializers)
    opsets = [helper.make_opsetid("", ONNX_OPSET)]
    if uses_ml:
        opsets.append(helper.make_opsetid("ai.onnx.ml", ONNX_ML_OPSET))
    model = helper.make_model(
        graph,
        opset_imports=opsets,
        producer_name=PRODUCER_NAME,
        producer_version=PRODUCER_VERSION,
        doc_string=doc,
    )
    model.ir_version = IR_VERSION
    model.model_version = 1
    if metadata:
        for key in sorted(metadata):
            entry = model.metadata_props.add()
            entry.key = key
            entry.value = str(metadata[key])
    # Strict shape inference in python3-onnx 1.12 cannot compare map types (ZipMap's output), so
    # graphs with ai.onnx.ml ops get the structural check only; ONNX Runtime verifies them later.
    onnx.checker.check_model(model, full_check=not uses_ml)
    return model


def serialize(model):
    """Deterministic bytes of a model (protobuf serialization of a message without maps)."""
    return model.SerializeToString()
