using Edge.Runtime.Backends;
using Edge.Runtime.Sessions;
using Edge.Runtime.Tensors;
using Edge.Runtime.Tests;

namespace Edge.Runtime.Ilgpu.Tests;

/// <summary>A whole model as one device partition: only boundary values touch the host, device buffers are pooled, and the profile counts kernels and copies.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class PartitionKernelTests(IlgpuCpuFixture fixture)
{
    [Fact]
    public void TransformerRunsAsOnePartitionWithOnlyBoundaryValuesOnTheHost()
    {
        using var session = InferenceSession.Load(Path.Combine(RepositoryPaths.Fixtures, "dynamic_transformer", "model.onnx"), new SessionOptions { Backends = [fixture.Backend] });
        var input = DeviceParity.RandomFloats(new Random(1), 1, 8, 8);
        var plan = session.GetPlan([(DataType.Float32, input.Shape)]);

        var step = Assert.Single(plan.Steps);
        Assert.Same(fixture.Backend, step.Backend);
        Assert.Equal(1, plan.Partitions);
        // Everything between the input and the logits lives on the device only.
        Assert.Contains(plan.Slots, s => s.ArenaOffset == -1);
        Assert.Equal(plan.Slots[plan.OutputSlots[0]].ByteLength, plan.ArenaBytes, 64.0);

        var kernel = Assert.IsType<PartitionKernel>(step.Kernel);
        long allValues = plan.Slots.Where(s => s.Constant is null).Sum(s => (long)s.ByteLength);
        Assert.True(kernel.DeviceValueBytes < allValues, $"pooled device values {kernel.DeviceValueBytes} B, all values {allValues} B");
    }

    [Fact]
    public void DeviceProfileCountsKernelsAndBoundaryCopies()
    {
        using var session = InferenceSession.Load(Path.Combine(RepositoryPaths.Fixtures, "dynamic_mlp", "model.onnx"), new SessionOptions { Backends = [fixture.Backend] });
        var input = DeviceParity.RandomFloats(new Random(2), 1, 64);
        var plan = session.GetPlan([(DataType.Float32, input.Shape)]);
        var profile = Assert.IsAssignableFrom<IDeviceProfile>(Assert.Single(plan.Steps).Kernel);

        profile.Reset();
        profile.TimeKernels = true;
        var outputs = new Tensor[1];
        session.Run([input], outputs);
        session.Run([input], outputs);
        profile.TimeKernels = false;

        Assert.Equal(2L * 64 * sizeof(float), profile.BytesUploaded);
        Assert.Equal(2L * outputs[0].ByteLength, profile.BytesDownloaded);
        Assert.Contains(profile.Kernels, k => k.Name.Contains("int8 gemm", StringComparison.Ordinal) && k.Launches == 2 && k.Time > TimeSpan.Zero);
    }
}
