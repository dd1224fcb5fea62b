using Edge.Runtime.Tensors;

namespace Edge.Runtime.Planning;

/// <summary>The mutable memory of one run of a plan: the arena, tensor views over it and scratch space.</summary>
internal sealed class ExecutionState
{
    public ExecutionState(ExecutionPlan plan)
    {
        var arena = GC.AllocateUninitializedArray<byte>(plan.ArenaBytes, pinned: true);
        Values = new Tensor?[plan.Slots.Count];
        for (int i = 0; i < Values.Length; i++)
        {
            var slot = plan.Slots[i];
            if (slot.Constant is not null)
                Values[i] = slot.Constant;
            else if (!slot.IsGraphInput && slot.ArenaOffset >= 0)
                Values[i] = new Tensor(slot.Type, slot.Shape, arena, slot.ArenaOffset);
        }
        Workspace = GC.AllocateUninitializedArray<byte>(plan.WorkspaceBytes, pinned: true);
    }

    public Tensor?[] Values { get; }

    public byte[] Workspace { get; }
}
