namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>
/// Geometry of an int8 GEMM on the device: A is M×K bytes row-major, B is stored transposed as N rows
/// of <see cref="KWords"/> packed words (K padded to a multiple of 4 with zeros).
/// </summary>
internal struct GemmShape
{
    public int M;
    public int N;
    public int K;
    public int KWords;
    public int ASigned;
    public int BSigned;
}
