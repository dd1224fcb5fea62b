using System.Diagnostics;
using Edge.OpenClProbe;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;

// Proves that ILGPU gets a real OpenCL device (not its silent CPU fallback) and that int8 kernels
// compiled for it compute exactly what the CPU computes. Exit 0: all right; 1: no OpenCL device or a mismatch.
// Usage: opencl-probe [seed]
int seed = args.Length > 0 ? int.Parse(args[0]) : Environment.TickCount & 0x7FFFFFFF;
const int Rows = 512, K = 1024;

// PoCL aborts the whole process (hwloc finds no CPU topology: "Not enough memory to run on this device")
// when /sys is missing, so say so before it gets the chance.
foreach (var (path, mount) in new[] { ("/proc/self/status", "/proc"), ("/sys/devices/system/cpu", "/sys") })
    if (!Path.Exists(path))
        return Fail($"{mount} is not mounted ({path} is missing); PoCL needs both /proc and /sys");

try
{
    // PoCL only shows up with a predicate that accepts every device: ILGPU's default filter drops it.
    using var context = Context.Create(builder => builder.OpenCL(_ => true));
    var devices = context.GetCLDevices();
    if (devices.Count == 0)
        return Fail($"no OpenCL device (devices ILGPU sees: {string.Join(", ", context.Devices.Select(d => $"{d.Name} [{d.AcceleratorType}]"))}); " +
                    "is an ICD installed (/etc/OpenCL/vendors) and are /proc and /sys mounted?");
    foreach (var d in devices)
        Console.WriteLine($"opencl-probe: found {d.Name} ({d.PlatformName}, {d.DeviceType}, {d.DeviceVersion})");

    var device = devices[0];
    using var accelerator = device.CreateAccelerator(context);
    if (accelerator.AcceleratorType != AcceleratorType.OpenCL)
        return Fail($"ILGPU gave a {accelerator.AcceleratorType} accelerator ({accelerator.Name}), not OpenCL");
    Console.WriteLine($"opencl-probe: device   {accelerator.Name}, vendor {device.VendorName}, platform {device.PlatformName} {device.PlatformVersion}");
    Console.WriteLine($"opencl-probe: versions device {device.DeviceVersion}, OpenCL C {device.CVersion}, " +
                      $"generic address space {(device.Capabilities.GenericAddressSpace ? "yes" : "no")}, " +
                      $"{accelerator.NumMultiprocessors} compute units, {accelerator.MemorySize >> 20} MiB");

    var random = new Random(seed);
    var activations = new byte[K];
    var weights = new sbyte[Rows * K];
    random.NextBytes(activations);
    random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
    // Extremes in the first rows: the largest products and sums the int32 accumulator must hold.
    Array.Fill(activations, (byte)255, 0, K / 2);
    Array.Fill(weights, sbyte.MinValue, 0, K);
    Array.Fill(weights, sbyte.MaxValue, K, K);
    int aZero = random.Next(0, 256), wZero = random.Next(-128, 128);
    var expected = CpuReference(activations, weights, aZero, wZero);

    var compile = Stopwatch.StartNew();
    var dotBytes = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<sbyte>, ArrayView<int>, int, int, int>(Int8DotKernels.DotBytes);
    var dotPacked = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int>(Int8DotKernels.DotPacked);
    Console.WriteLine($"opencl-probe: 2 kernels compiled (ILGPU to OpenCL C, then PoCL) in {compile.ElapsedMilliseconds} ms");
    using var aBuffer = accelerator.Allocate1D(activations);
    using var wBuffer = accelerator.Allocate1D(weights);
    using var aPacked = accelerator.Allocate1D(Pack(activations));
    using var wPacked = accelerator.Allocate1D(Pack(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()).ToArray()));
    using var yBuffer = accelerator.Allocate1D<int>(Rows);

    bool allRight = true;
    allRight &= Check("u8 x s8 bytes", expected, () => dotBytes(Rows, aBuffer.View, wBuffer.View, yBuffer.View, K, aZero, wZero), accelerator, yBuffer);
    allRight &= Check("u8 x s8 packed", expected, () => dotPacked(Rows, aPacked.View, wPacked.View, yBuffer.View, K, aZero, wZero), accelerator, yBuffer);
    if (!allRight)
        return Fail($"OpenCL results differ from the CPU's (seed {seed})");
    Console.WriteLine($"opencl-probe: OK, {accelerator.AcceleratorType} device {accelerator.Name} computes int8 dot products exactly (seed {seed})");
    return 0;
}
catch (Exception e)
{
    return Fail($"{e.GetType().Name}: {e.Message}");
}

static int Fail(string message)
{
    Console.Error.WriteLine($"opencl-probe: FAILED: {message}");
    return 1;
}

static int[] CpuReference(byte[] activations, sbyte[] weights, int aZero, int wZero)
{
    var y = new int[Rows];
    for (int r = 0; r < Rows; r++)
    {
        int sum = 0;
        for (int i = 0; i < K; i++)
            sum += (activations[i] - aZero) * (weights[r * K + i] - wZero);
        y[r] = sum;
    }
    return y;
}

// Little-endian: byte i of a word is lane i, as the packed kernel reads it.
static int[] Pack(byte[] bytes)
{
    var words = new int[bytes.Length / 4];
    Buffer.BlockCopy(bytes, 0, words, 0, bytes.Length);
    return words;
}

static bool Check(string name, int[] expected, Action launch, Accelerator accelerator, MemoryBuffer1D<int, Stride1D.Dense> y)
{
    var clock = Stopwatch.StartNew();
    launch();
    accelerator.Synchronize();
    double firstMs = clock.Elapsed.TotalMilliseconds;
    var actual = y.GetAsArray1D();
    int mismatches = 0;
    for (int r = 0; r < expected.Length; r++)
    {
        if (actual[r] == expected[r])
            continue;
        if (mismatches++ < 5)
            Console.Error.WriteLine($"opencl-probe: {name}: row {r}: OpenCL {actual[r]}, CPU {expected[r]}");
    }
    const int Repeats = 5;
    clock.Restart();
    for (int i = 0; i < Repeats; i++)
        launch();
    accelerator.Synchronize();
    double gops = 2.0 * Rows * K * Repeats / clock.Elapsed.TotalSeconds / 1e9;
    Console.WriteLine($"opencl-probe: {name}: {(mismatches == 0 ? "exact" : $"{mismatches} of {expected.Length} rows wrong")} " +
                      $"({Rows}x{K}, first launch {firstMs:F0} ms, then {gops:F2} GOPS)");
    return mismatches == 0;
}
