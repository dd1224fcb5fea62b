using ILGPU.Runtime.Cuda;

namespace Edge.Runtime.Ilgpu.Cuda;

/// <summary>PTX <c>dp4a</c> (sm_61+): four 8-bit products summed into an int32 accumulator in one instruction, emitted inline.</summary>
internal static class CudaDot4
{
    public static int Dp4a(int a, int b, int accumulator, int aSigned, int bSigned)
    {
        int result;
        if (aSigned != 0)
        {
            if (bSigned != 0)
                CudaAsm.Emit("dp4a.s32.s32 %0, %1, %2, %3;", out result, a, b, accumulator);
            else
                CudaAsm.Emit("dp4a.s32.u32 %0, %1, %2, %3;", out result, a, b, accumulator);
        }
        else if (bSigned != 0)
        {
            CudaAsm.Emit("dp4a.u32.s32 %0, %1, %2, %3;", out result, a, b, accumulator);
        }
        else
        {
            CudaAsm.Emit("dp4a.u32.u32 %0, %1, %2, %3;", out result, a, b, accumulator);
        }
        return result;
    }
}
