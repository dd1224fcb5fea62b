using Edge.Runtime.Operators;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning;

/// <summary>Runs one node whose inputs are all constant, with its CPU kernel, at plan time.</summary>
internal static class ConstantEvaluator
{
    /// <summary>Executes the node of <paramref name="context"/> (outputs already inferred) and returns its outputs (null where omitted).</summary>
    public static Tensor?[] Evaluate(Operator op, NodeContext context)
    {
        var kernel = op.CreateKernel(context);
        var node = context.Node;
        var inputs = Enumerable.Range(0, context.InputCount).Select(context.InputValue).ToArray();
        var outputs = Enumerable.Range(0, node.Outputs.Count)
            .Select(o => node.Outputs[o].Length > 0 ? Tensor.Allocate(context.OutputType(o), context.OutputShape(o)) : Tensor.Allocate(DataType.Float32, TensorShape.Scalar))
            .ToArray();
        kernel.Execute(KernelContext.ForTensors(inputs, outputs, kernel.WorkspaceBytes));
        return outputs.Select((t, o) => node.Outputs[o].Length > 0 ? t : null).ToArray();
    }
}
