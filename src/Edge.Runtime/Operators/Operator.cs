namespace Edge.Runtime.Operators;

/// <summary>
/// One ONNX operator: validates a node, infers its output types and shapes, and prepares the CPU
/// reference-or-optimised kernel that runs it. Stateless; one instance serves every node of the op.
/// </summary>
public abstract class Operator
{
    /// <summary>The op type, e.g. "Conv".</summary>
    public abstract string OpType { get; }

    /// <summary>"" for ai.onnx, "com.microsoft" for ORT's contrib ops.</summary>
    public virtual string Domain => "";

    /// <summary>Oldest opset of <see cref="Domain"/> whose semantics this class implements.</summary>
    public virtual int MinOpset => Domain.Length == 0 ? 13 : 1;

    /// <summary>Newest opset implemented (inclusive).</summary>
    public virtual int MaxOpset => Domain.Length == 0 ? 21 : 1;

    /// <summary>Element types the op is claimed for (documentation, <c>edge ops</c> and conformance coverage).</summary>
    public abstract string TypeConstraints { get; }

    /// <summary>
    /// Whether the planner may run this node at plan time when all inputs are constant. False for
    /// ops whose folding would undo compression (DequantizeLinear of int8 weights).
    /// </summary>
    public virtual bool CanFold => true;

    /// <summary>Checks inputs and attributes and sets every output's type and shape; throws <see cref="ModelException"/> via <see cref="NodeContext.Fail"/>.</summary>
    public abstract void InferOutputs(NodeContext context);

    /// <summary>Prepares the kernel for this node at these shapes: reads attributes, pre-packs constant weights.</summary>
    public abstract Kernel CreateKernel(NodeContext context);

    /// <summary>Arithmetic operations per run (multiply-adds count 2), for GOPS and roofline telemetry.</summary>
    public virtual long CountOperations(NodeContext context)
    {
        long total = 0;
        for (int i = 0; i < context.OutputCount; i++)
            total += context.OutputShape(i).ElementCount;
        return total;
    }
}
