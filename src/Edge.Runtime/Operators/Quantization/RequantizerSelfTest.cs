using Edge.Runtime.Backends.Cpu;

namespace Edge.Runtime.Operators.Quantization;

/// <summary>The requantizer's SIMD path against its scalar one, on random accumulators that include exact .5 ties and saturation.</summary>
internal static class RequantizerSelfTest
{
    public static KernelSelfTestResult Run(int seed, int cases)
    {
        var random = new Random(seed);
        int mismatches = 0;
        for (int c = 0; c < cases; c++)
        {
            int n = random.Next(16, 300);
            bool signed = random.Next(2) == 0;
            int zeroPoint = signed ? random.Next(-128, 128) : random.Next(0, 256);
            var acc = new int[n];
            var bias = random.Next(2) == 0 ? new int[n] : [];
            var scale = new float[random.Next(2) == 0 ? 1 : n];
            for (int i = 0; i < n; i++)
                acc[i] = random.Next(-70000, 70000);
            for (int i = 0; i < bias.Length; i++)
                bias[i] = random.Next(-5000, 5000);
            for (int i = 0; i < scale.Length; i++)
                scale[i] = random.Next(4) == 0 ? 0.5f : (float)(random.NextDouble() * 0.01); // 0.5 makes exact ties
            var output = new byte[n];
            Requantizer.Requantize(acc, bias, scale, zeroPoint, signed, output);
            for (int i = 0; i < n; i++)
            {
                int x = bias.Length > 0 ? acc[i] + bias[i] : acc[i];
                if (output[i] != Requantizer.RequantizeOne(x, scale.Length == 1 ? scale[0] : scale[i], zeroPoint, signed))
                {
                    mismatches++;
                    break;
                }
            }
        }
        string variant = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "Vector256" : "scalar";
        return new KernelSelfTestResult("requantize", variant, cases, mismatches);
    }
}
