namespace Edge.Runtime.Ilgpu.Kernels;

/// <summary>
/// Geometry of an int8 GEMM on the device: A is M×K bytes row-major; B is stored word-major as
/// <see cref="KWords"/> rows of N words, each word packing four consecutive k of one column (K padded to
/// a multiple of 4 with zeros), so that threads of neighbouring columns read neighbouring words.
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
