using Edge.Runtime;
using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Quantization.Reporting;

/// <summary>
/// Finds the weight-bearing compute nodes of a graph in topological order: float and QDQ
/// Conv/Gemm/MatMul, dynamic MatMulInteger/ConvInteger (and their fused com.microsoft forms), and
/// QOperator QLinearConv/QLinearMatMul/QGemm. A MatMul of two activations is not a layer.
/// </summary>
internal static class LayerLocator
{
    public static List<LayerSite> Find(GraphIndex index)
    {
        var sites = new List<LayerSite>();
        foreach (var node in index.Graph.Nodes)
        {
            var site = (node.Domain, node.OpType) switch
            {
                ("", "Conv" or "Gemm" or "MatMul") => FloatOrQdq(index, node),
                ("", "MatMulInteger" or "ConvInteger") => Dynamic(index, node),
                ("", "QLinearConv" or "QLinearMatMul") or ("com.microsoft", "QGemm") => QOperator(index, node),
                ("com.microsoft", "MatMulIntegerToFloat" or "DynamicQuantizeMatMul") => FusedDynamic(index, node),
                _ => null,
            };
            if (site is not null)
                sites.Add(site);
        }
        return sites;
    }

    private static LayerSite? FloatOrQdq(GraphIndex index, Node node)
    {
        string w = node.Input(1);
        var chain = Chain.Follow(index, node);
        if (index.Constant(w) is { Type: DataType.Float32 } floatWeights)
        {
            var weights = Canonical(node, floatWeights.AsSpan<float>().ToArray(), floatWeights.Shape.ToArray(), out int[] shape);
            var unfolded = chain.FoldBatchNorm(index, weights, shape);
            return chain.Site(index, node, LayerScheme.Float, shape, weights, unfolded, DataType.Float32, floatWeights.ByteLength, null,
                OutputTap.Float(chain.PostActivation ?? chain.PreActivation), activationIncluded: chain.PostActivation is not null);
        }
        var dq = index.Producer(w);
        if (dq is not { OpType: "DequantizeLinear", Domain: "" } || index.Constant(dq.Input(0)) is not { Type: DataType.Int8 or DataType.UInt8 or DataType.Int32 } quantized)
            return null;
        var quant = Params(index, dq.Input(1), dq.Input(2), dq.Attributes.GetInt("axis", 1), quantized.Shape.Rank);
        float[]? values = quant is null ? null : Canonical(node, quant.Dequantize(quantized.ToInt64Array(), quantized.Shape.ToArray()), quantized.Shape.ToArray(), out _);
        int[] canonicalShape = CanonicalShape(node, quantized.Shape.ToArray());
        var unfoldedValues = values is null ? null : chain.FoldBatchNorm(index, values, canonicalShape);

        // The quantized float reading follows the layer (and its activation) to its QuantizeLinear.
        var activation = index.SoleConsumer(chain.PreActivation, "Relu", "Clip");
        string end = activation?.Outputs[0] ?? chain.PreActivation;
        var q = index.SoleConsumer(end, "QuantizeLinear");
        OutputTap tap;
        bool activationIncluded;
        if (q is not null && q.Input(0) == end && Params(index, q.Input(1), q.Input(2), q.Attributes.GetInt("axis", 1), rank: 0) is { } outputQuant)
        {
            tap = new OutputTap(q.Outputs[0], index.TypeOf(q.Outputs[0]), outputQuant);
            activationIncluded = activation is not null || SaturatesAtZero(outputQuant, tap.Type);
        }
        else
        {
            tap = OutputTap.Float(end);
            activationIncluded = activation is not null;
        }
        return chain.Site(index, node, LayerScheme.Qdq, canonicalShape, values, unfoldedValues, quantized.Type, quantized.ByteLength + ParamBytes(index, dq), quant, tap, activationIncluded);
    }

    private static LayerSite? Dynamic(GraphIndex index, Node node)
    {
        if (index.Constant(node.Input(1)) is not { Type: DataType.Int8 or DataType.UInt8 } quantized)
            return null;
        // MatMulInteger → Cast → Mul(·, a_scale · w_scale) → [Add bias]: w_scale is the constant factor of the product.
        string value = node.Outputs[0];
        Tensor? scale = null;
        if (index.SoleConsumer(value, "Cast") is { } cast)
        {
            value = cast.Outputs[0];
            if (index.SoleConsumer(value, "Mul") is { } mul)
            {
                value = mul.Outputs[0];
                var product = index.Producer(GraphIndex.OtherInput(mul, cast.Outputs[0]));
                if (product is { OpType: "Mul" })
                    scale = index.Constant(product.Input(0)) ?? index.Constant(product.Input(1));
            }
        }
        bool bias = false;
        if (index.SoleConsumer(value, "Add") is { } add && index.Constant(GraphIndex.OtherInput(add, value)) is { Type: DataType.Float32 })
        {
            value = add.Outputs[0];
            bias = true;
        }
        int axis = node.OpType == "ConvInteger" ? 0 : quantized.Shape.Rank - 1;
        var zeroPoint = node.HasInput(3) ? index.Constant(node.Input(3)) : null;
        var quant = scale is { Type: DataType.Float32 } ? Quant(scale, zeroPoint, axis) : null;
        return Site(index, node, LayerScheme.Dynamic, quantized, quant, (scale?.ByteLength ?? 0) + (zeroPoint?.ByteLength ?? 0),
            OutputTap.Float(value), bias, activationIncluded: false, value);
    }

    private static LayerSite? FusedDynamic(GraphIndex index, Node node)
    {
        if (index.Constant(node.Input(1)) is not { Type: DataType.Int8 or DataType.UInt8 } quantized)
            return null;
        bool toFloat = node.OpType == "MatMulIntegerToFloat";
        var scale = index.Constant(node.Input(toFloat ? 3 : 2));
        var zeroPoint = index.Constant(node.Input(toFloat ? 5 : 3));
        var quant = scale is { Type: DataType.Float32 } ? Quant(scale, zeroPoint, quantized.Shape.Rank - 1) : null;
        return Site(index, node, LayerScheme.Dynamic, quantized, quant, (scale?.ByteLength ?? 0) + (zeroPoint?.ByteLength ?? 0),
            OutputTap.Float(node.Outputs[0]), node.HasInput(toFloat ? 6 : 4), activationIncluded: false, node.Outputs[0]);
    }

    private static LayerSite? QOperator(GraphIndex index, Node node)
    {
        if (index.Constant(node.Input(3)) is not { Type: DataType.Int8 or DataType.UInt8 } quantized)
            return null;
        int axis = node.OpType switch
        {
            "QLinearConv" => 0,
            "QGemm" => node.Attributes.GetInt("transB", 0) != 0 ? 0 : 1,
            _ => quantized.Shape.Rank - 1,
        };
        var quant = Params(index, node.Input(4), node.Input(5), axis, quantized.Shape.Rank);
        int yScale = node.OpType == "QGemm" ? 7 : 6;
        OutputTap tap;
        bool activationIncluded = false;
        string output = node.Outputs[0];
        if (node.HasInput(yScale) && Params(index, node.Input(yScale), node.Input(yScale + 1), 1, rank: 0) is { } outputQuant)
        {
            tap = new OutputTap(output, index.TypeOf(output), outputQuant);
            // ONNX Runtime's quantizer drops a Relu whose work the zero point at the bottom of the range does.
            activationIncluded = SaturatesAtZero(outputQuant, tap.Type);
        }
        else
        {
            tap = OutputTap.Float(output);
        }
        bool bias = node.OpType switch { "QLinearConv" => node.HasInput(8), "QGemm" => node.HasInput(6), _ => false };
        long paramBytes = (index.Constant(node.Input(4))?.ByteLength ?? 0) + (index.Constant(node.Input(5))?.ByteLength ?? 0);
        return Site(index, node, LayerScheme.QOperator, quantized, quant, paramBytes, tap, bias, activationIncluded, output);
    }

    private static LayerSite Site(GraphIndex index, Node node, LayerScheme scheme, Tensor quantized, ScaleZeroPoint? quant, long paramBytes,
        OutputTap tap, bool bias, bool activationIncluded, string output)
    {
        var shape = quantized.Shape.ToArray();
        var values = quant is null ? null : Canonical(node, quant.Dequantize(quantized.ToInt64Array(), shape), shape, out _);
        return new LayerSite
        {
            Node = node,
            Scheme = scheme,
            WeightShape = CanonicalShape(node, shape),
            Weights = values,
            WeightType = quantized.Type,
            WeightBytes = quantized.ByteLength + paramBytes,
            WeightQuant = quant,
            Tap = tap,
            InputTap = InputTapOf(index, node),
            BatchNormSeparate = ReadByBatchNorm(index, tap.Tensor),
            BiasIncluded = bias,
            ActivationIncluded = activationIncluded,
            RawOutput = node.Outputs[0],
            PreActivation = output,
        };
    }

    /// <summary>
    /// The float reading of the layer's input: the float tensor a dynamic layer quantizes at run time,
    /// a QOperator input dequantized with its scale, otherwise the input itself (a QDQ layer's DequantizeLinear output).
    /// </summary>
    private static OutputTap? InputTapOf(GraphIndex index, Node node)
    {
        string x = node.Input(0);
        if (node.OpType is "QLinearConv" or "QLinearMatMul" or "QGemm")
            return Params(index, node.Input(1), node.Input(2), 1, rank: 0) is { } quant ? new OutputTap(x, index.TypeOf(x), quant) : null;
        if (index.Producer(x) is { OpType: "DynamicQuantizeLinear" } dynamic)
            return OutputTap.Float(dynamic.Input(0));
        return index.TypeOf(x) == DataType.Float32 ? OutputTap.Float(x) : null;
    }

    /// <summary>
    /// Whether a BatchNormalization reads the layer's result (through Cast/DequantizeLinear): then it
    /// was not folded into this layer's weights, and the fp32 side must be compared before its own.
    /// </summary>
    private static bool ReadByBatchNorm(GraphIndex index, string tensor)
    {
        string value = tensor;
        for (int hop = 0; hop < 3; hop++)
        {
            var next = index.SoleConsumer(value);
            if (next is null || next.Domain.Length != 0)
                return false;
            if (next.OpType == "BatchNormalization")
                return true;
            if (next.OpType is not ("Cast" or "DequantizeLinear"))
                return false;
            value = next.Outputs[0];
        }
        return false;
    }

    /// <summary>Constant scale and zero point (absent zero point = 0); null when either is computed at run time.</summary>
    private static ScaleZeroPoint? Params(GraphIndex index, string scale, string zeroPoint, long axis, int rank)
    {
        var s = index.Constant(scale);
        var z = zeroPoint.Length == 0 ? null : index.Constant(zeroPoint);
        if (s is not { Type: DataType.Float32 } || (zeroPoint.Length > 0 && z is null))
            return null;
        return Quant(s, z, rank > 0 && axis < 0 ? (int)axis + rank : (int)axis);
    }

    private static ScaleZeroPoint Quant(Tensor scale, Tensor? zeroPoint, int axis) =>
        new(scale.AsSpan<float>().ToArray(), zeroPoint?.ToInt64Array() ?? [0], axis);

    private static long ParamBytes(GraphIndex index, Node dq) =>
        (index.Constant(dq.Input(1))?.ByteLength ?? 0) + (index.Constant(dq.Input(2))?.ByteLength ?? 0);

    /// <summary>A per-tensor zero point at the bottom of the quantized range: the quantizer clamps negatives, a Relu.</summary>
    private static bool SaturatesAtZero(ScaleZeroPoint quant, DataType type) =>
        !quant.PerChannel && quant.ZeroPoints[0] == (type == DataType.Int8 ? -128 : 0) && type is DataType.Int8 or DataType.UInt8;

    /// <summary>MatMul-like weights are [K, N] (QGemm/Gemm unless transB): the canonical layout puts N first.</summary>
    private static bool StoredInputMajor(Node node) => node.OpType switch
    {
        "Conv" or "ConvInteger" or "QLinearConv" => false,
        "Gemm" or "QGemm" => node.Attributes.GetInt("transB", 0) == 0,
        _ => true,
    };

    private static int[] CanonicalShape(Node node, int[] shape) =>
        StoredInputMajor(node) && shape.Length == 2 ? [shape[1], shape[0]] : shape;

    private static float[] Canonical(Node node, float[] values, int[] shape, out int[] canonicalShape)
    {
        canonicalShape = CanonicalShape(node, shape);
        if (!StoredInputMajor(node) || shape.Length != 2)
            return values;
        int rows = shape[0], cols = shape[1];
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                result[c * rows + r] = values[r * cols + c];
        return result;
    }

    /// <summary>The float ops after a Conv/Gemm/MatMul that belong to the layer: a MatMul's bias Add, a BatchNormalization, the activation.</summary>
    private sealed class Chain
    {
        private Node? _batchNorm;

        public required string RawOutput { get; init; }

        public required string PreActivation { get; init; }

        public string? PostActivation { get; init; }

        public bool SeparateBias { get; init; }

        public bool BiasIncluded { get; init; }

        public string? BeforeBatchNorm { get; init; }

        public static Chain Follow(GraphIndex index, Node node)
        {
            string value = node.Outputs[0];
            bool separateBias = false;
            if (node.OpType == "MatMul" && index.SoleConsumer(value, "Add") is { } add && index.Constant(GraphIndex.OtherInput(add, value)) is { Type: DataType.Float32 })
            {
                value = add.Outputs[0];
                separateBias = true;
            }
            string beforeBatchNorm = value;
            var batchNorm = index.SoleConsumer(value, "BatchNormalization");
            if (batchNorm is not null && batchNorm.Input(0) == value)
                value = batchNorm.Outputs[0];
            else
                batchNorm = null;
            var activation = index.SoleConsumer(value, "Relu", "Clip");
            return new Chain
            {
                RawOutput = node.Outputs[0],
                PreActivation = value,
                PostActivation = activation?.Outputs[0],
                SeparateBias = separateBias,
                BiasIncluded = node.OpType != "MatMul" || separateBias,
                BeforeBatchNorm = batchNorm is null ? null : beforeBatchNorm,
                _batchNorm = batchNorm,
            };
        }

        /// <summary>Scales each output channel's weights as the BatchNormalization after the layer would; returns the weights as they were (null: no BatchNormalization).</summary>
        public float[]? FoldBatchNorm(GraphIndex index, float[] weights, int[] canonicalShape)
        {
            if (_batchNorm is null)
                return null;
            var unfolded = (float[])weights.Clone();
            var gamma = index.Constant(_batchNorm.Input(1));
            var variance = index.Constant(_batchNorm.Input(4));
            int channels = canonicalShape[0];
            if (gamma is not { Type: DataType.Float32 } || variance is not { Type: DataType.Float32 } || gamma.ElementCount != channels || variance.ElementCount != channels)
                throw new ModelException($"{_batchNorm.Describe()}: BatchNormalization after a layer needs constant float scale and variance with {channels} channels");
            float epsilon = _batchNorm.Attributes.GetFloat("epsilon", 1e-5f);
            int perChannel = weights.Length / channels;
            for (int c = 0; c < channels; c++)
            {
                float factor = gamma.AsSpan<float>()[c] / MathF.Sqrt(variance.AsSpan<float>()[c] + epsilon);
                foreach (ref float v in weights.AsSpan(c * perChannel, perChannel))
                    v *= factor;
            }
            return unfolded;
        }

        public LayerSite Site(GraphIndex index, Node node, LayerScheme scheme, int[] shape, float[]? weights, float[]? unfolded, DataType weightType, long weightBytes,
            ScaleZeroPoint? quant, OutputTap tap, bool activationIncluded) => new()
        {
            Node = node,
            Scheme = scheme,
            WeightShape = shape,
            Weights = weights,
            UnfoldedWeights = unfolded,
            WeightType = weightType,
            WeightBytes = weightBytes,
            WeightQuant = quant,
            Tap = tap,
            InputTap = InputTapOf(index, node),
            BiasIncluded = BiasIncluded,
            ActivationIncluded = activationIncluded,
            RawOutput = RawOutput,
            PreActivation = PreActivation,
            PostActivation = PostActivation,
            SeparateBias = SeparateBias,
            BeforeBatchNorm = BeforeBatchNorm,
            BatchNormSeparate = ReadByBatchNorm(index, tap.Tensor),
        };
    }
}
