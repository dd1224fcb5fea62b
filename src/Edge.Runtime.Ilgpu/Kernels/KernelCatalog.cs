using System.Reflection;

namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>Every device kernel, for ahead-of-time compile checks (PTX without a GPU): name, method and whether it is explicitly grouped.</summary>
internal static class KernelCatalog
{
    public static IReadOnlyList<(string Name, MethodInfo Method, bool ExplicitlyGrouped)> All { get; } =
    [
        Of(typeof(QuantizeKernels), nameof(QuantizeKernels.Quantize), false),
        Of(typeof(QuantizeKernels), nameof(QuantizeKernels.Dequantize), false),
        Of(typeof(QuantizeKernels), nameof(QuantizeKernels.DequantizeInt32), false),
        Of(typeof(QuantizeKernels), nameof(QuantizeKernels.DynamicParameters), true),
        Of(typeof(QuantizeKernels), nameof(QuantizeKernels.AddQuantized), false),
        Of(typeof(GemmKernels), nameof(GemmKernels.Tiled), true),
        Of(typeof(GemmKernels), nameof(GemmKernels.Gemv), true),
        Of(typeof(EpilogueKernels), nameof(EpilogueKernels.Requantize), false),
        Of(typeof(EpilogueKernels), nameof(EpilogueKernels.Scale), false),
        Of(typeof(EpilogueKernels), nameof(EpilogueKernels.StoreInt32), false),
        Of(typeof(ConvKernels), nameof(ConvKernels.Im2Col), false),
        Of(typeof(PoolKernels), nameof(PoolKernels.MaxPoolBytes), false),
        Of(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Relu), false),
        Of(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Erf), false),
        Of(typeof(ElementwiseKernels), nameof(ElementwiseKernels.Gelu), false),
        Of(typeof(FloatKernels), nameof(FloatKernels.Binary), false),
        Of(typeof(FloatKernels), nameof(FloatKernels.Transpose), false),
        Of(typeof(FloatKernels), nameof(FloatKernels.MatMul), false),
        Of(typeof(FloatKernels), nameof(FloatKernels.Softmax), false),
        Of(typeof(FloatKernels), nameof(FloatKernels.LayerNorm), false),
        Of(typeof(FloatKernels), nameof(FloatKernels.ReduceMean), false),
    ];

    private static (string, MethodInfo, bool) Of(Type type, string name, bool explicitlyGrouped) =>
        ($"{type.Name}.{name}", type.GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new InvalidOperationException($"{type.Name}.{name} is missing"), explicitlyGrouped);
}
