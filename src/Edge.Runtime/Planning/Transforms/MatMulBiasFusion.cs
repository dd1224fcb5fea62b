using Edge.Runtime.Graphs;
using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning.Transforms;

/// <summary>
/// <c>MatMul(A, W)</c> → <c>Add(·, bias)</c> with a constant 2-D W[K×N] and a constant 1-D float bias
/// of N values (PyTorch's Linear on 3-D activations) ⇒ one MatMul with the bias as a third input,
/// added in the GEMM's epilogue: the Add's pass over the activation disappears. A 1-D bias of N
/// broadcasts along the last axis only, so the output shape is the MatMul's either way.
/// </summary>
public sealed class MatMulBiasFusion : IGraphTransform
{
    public bool Apply(Graph graph)
    {
        bool changed = false;
        foreach (var matMul in graph.Nodes.Where(n => GraphPatterns.Is(n, "MatMul") && n.Inputs.Count == 2).ToList())
        {
            if (GraphPatterns.Constant(graph, matMul.Input(1)) is not { Type: DataType.Float32, Shape.Rank: 2 } weight)
                continue;
            var add = GraphPatterns.SoleConsumer(graph, matMul.Outputs[0]);
            if (!GraphPatterns.Is(add, "Add") || add!.Inputs.Count != 2)
                continue;
            string biasName = add.Input(0) == matMul.Outputs[0] ? add.Input(1) : add.Input(0);
            if (GraphPatterns.Constant(graph, biasName) is not { Type: DataType.Float32, Shape.Rank: 1 } bias || bias.Shape[0] != weight.Shape[1])
                continue;
            matMul.Inputs.Add(biasName);
            matMul.Outputs[0] = add.Outputs[0];
            graph.Nodes.Remove(add);
            changed = true;
        }
        return changed;
    }
}
