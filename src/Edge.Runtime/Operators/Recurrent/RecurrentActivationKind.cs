namespace Edge.Runtime.Operators.Recurrent;

/// <summary>The activation functions the ONNX recurrent ops name in their <c>activations</c> attribute.</summary>
internal enum RecurrentActivationKind
{
    Sigmoid,
    Tanh,
    Relu,
    Affine,
    LeakyRelu,
    ThresholdedRelu,
    ScaledTanh,
    HardSigmoid,
    Elu,
    Softsign,
}
