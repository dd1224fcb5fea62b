using Edge.Runtime.Operators;

namespace Edge.Runtime.Ilgpu.Operators;

/// <summary>MatMul geometry the device GEMM handles: any run-time A (rows flattened) times one constant 2-D B.</summary>
internal static class MatMulShapes
{
    /// <summary>Whether B (input <paramref name="bIndex"/>) is a constant matrix and A a run-time tensor.</summary>
    public static bool ConstantMatrixB(NodeContext context, int aIndex, int bIndex) =>
        DeviceParameters.IsRunTime(context, aIndex) && context.InputValue(bIndex) is { Shape.Rank: 2 };

    /// <summary>(rows of A, K, N) with every leading axis of A folded into the rows.</summary>
    public static (int M, int K, int N) Dimensions(NodeContext context, int aIndex, int bIndex)
    {
        var b = context.InputShape(bIndex);
        int k = b[0], n = b[1];
        return (k == 0 ? 0 : context.InputShape(aIndex).ElementCount / k, k, n);
    }
}
