using Microsoft.ML.OnnxRuntime.Tensors;

namespace Shipyard.Tests.Onnx.Models;

/// <summary>The models the binding's tests and benchmarks use, encoded in-repo by <see cref="OnnxModelBuilder"/>.</summary>
internal static class TestModels
{
    public const int DenseFeatures = 30;

    /// <summary>
    /// A logistic-regression-like classifier: x [N,30] float → Gemm(W [2,30], B [2]) → Softmax → probabilities [N,2],
    /// ArgMax → label [N] int64. Weights are deterministic so expected outputs can be computed in C#.
    /// </summary>
    public static byte[] DenseClassifier() =>
        new OnnxModelBuilder { ProducerName = "shipyard-tests", GraphName = "dense_classifier", Description = "30->2 Gemm+Softmax", ModelVersion = 3 }
            .Metadata("author", "shipyard")
            .Metadata("labels", "malignant,benign")
            .Input("x", TensorElementType.Float, "N", DenseFeatures)
            .FloatInitializer("W", DenseWeights(), 2, DenseFeatures)
            .FloatInitializer("B", [0.25f, -0.25f], 2)
            .Node("Gemm", ["x", "W", "B"], ["logits"], "", OnnxModelBuilder.Attribute.Int("transB", 1))
            .Node("Softmax", ["logits"], ["probabilities"], "", OnnxModelBuilder.Attribute.Int("axis", 1))
            .Node("ArgMax", ["probabilities"], ["label_2d"], "", OnnxModelBuilder.Attribute.Int("axis", 1), OnnxModelBuilder.Attribute.Int("keepdims", 1))
            .Int64Initializer("flat", [-1], 1)
            .Node("Reshape", ["label_2d", "flat"], ["label"])
            .Output("label", TensorElementType.Int64, "N")
            .Output("probabilities", TensorElementType.Float, "N", 2)
            .Build();

    /// <summary>Weights of <see cref="DenseClassifier"/>: row-major [2,30].</summary>
    public static float[] DenseWeights()
    {
        var weights = new float[2 * DenseFeatures];
        for (var i = 0; i < DenseFeatures; i++)
        {
            weights[i] = MathF.Sin(i + 1) * 0.1f;
            weights[DenseFeatures + i] = MathF.Cos(i + 1) * 0.1f;
        }

        return weights;
    }

    /// <summary>What <see cref="DenseClassifier"/> computes, in double precision: (label, p0, p1) per row.</summary>
    public static (long Label, double P0, double P1)[] DenseExpected(float[] x, int rows)
    {
        var w = DenseWeights();
        var result = new (long, double, double)[rows];
        for (var r = 0; r < rows; r++)
        {
            double z0 = 0.25, z1 = -0.25;
            for (var i = 0; i < DenseFeatures; i++)
            {
                z0 += (double)x[(r * DenseFeatures) + i] * w[i];
                z1 += (double)x[(r * DenseFeatures) + i] * w[DenseFeatures + i];
            }

            var m = Math.Max(z0, z1);
            double e0 = Math.Exp(z0 - m), e1 = Math.Exp(z1 - m);
            result[r] = (e1 > e0 ? 1 : 0, e0 / (e0 + e1), e1 / (e0 + e1));
        }

        return result;
    }

    /// <summary>
    /// sklearn-style classifier head: x [N,2] float (probabilities) → ZipMap → seq(map(int64|string, float)), plus Identity of x.
    /// </summary>
    public static byte[] ZipMap(bool stringLabels) =>
        new OnnxModelBuilder { GraphName = "zipmap" }
            .Opset("ai.onnx.ml", 3)
            .Input("probabilities", TensorElementType.Float, "N", 2)
            .Node("ZipMap", ["probabilities"], ["output_probability"], "ai.onnx.ml", stringLabels
                ? OnnxModelBuilder.Attribute.Strings("classlabels_strings", "malignant", "benign")
                : OnnxModelBuilder.Attribute.Ints("classlabels_int64s", 0, 1))
            .Node("Identity", ["probabilities"], ["copy"])
            .SequenceOfMapsOutput("output_probability", stringLabels ? TensorElementType.String : TensorElementType.Int64, TensorElementType.Float)
            .Output("copy", TensorElementType.Float, "N", 2)
            .Build();

    /// <summary>y = Identity(x) for one element type, shape [N, 3] with N symbolic.</summary>
    public static byte[] Identity(TensorElementType type) =>
        new OnnxModelBuilder { GraphName = "identity" }
            .Input("x", type, "N", 3)
            .Node("Identity", ["x"], ["y"])
            .Output("y", type, "N", 3)
            .Build();

    /// <summary>sum = a + b over float [N, 3]; two inputs to exercise input names.</summary>
    public static byte[] Add() =>
        new OnnxModelBuilder { GraphName = "add" }
            .Input("a", TensorElementType.Float, "N", 3)
            .Input("b", TensorElementType.Float, "N", 3)
            .Node("Add", ["a", "b"], ["sum"])
            .Output("sum", TensorElementType.Float, "N", 3)
            .Build();

    /// <summary>
    /// A deliberately slow model for cancellation: x [size,size] multiplied by the identity matrix <paramref name="steps"/> times
    /// (each MatMul is a separate node, so ORT checks the terminate flag between them).
    /// </summary>
    public static byte[] SlowChain(int size, int steps)
    {
        var identity = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            identity[(i * size) + i] = 1f;
        }

        var builder = new OnnxModelBuilder { GraphName = "slow_chain" }
            .Input("x", TensorElementType.Float, size, size)
            .FloatInitializer("I", identity, size, size);
        var previous = "x";
        for (var s = 0; s < steps; s++)
        {
            var next = s == steps - 1 ? "y" : $"h{s}";
            builder.Node("MatMul", [previous, "I"], [next]);
            previous = next;
        }

        return builder.Output("y", TensorElementType.Float, size, size).Build();
    }
}
