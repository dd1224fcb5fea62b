namespace Edge.Quantization.Reporting;

/// <summary>
/// Pairs the layers of two models by their order and weight shapes: the longest common subsequence
/// of shape keys, so that a layer one model lacks (or an extra one) does not shift every pair after it.
/// Names are not used: PyTorch's int8 export names nodes differently from its fp32 export.
/// </summary>
internal static class LayerAligner
{
    public static List<(int Reference, int Quantized)> Align(IReadOnlyList<string> reference, IReadOnlyList<string> quantized)
    {
        int n = reference.Count, m = quantized.Count;
        var length = new int[n + 1, m + 1];
        for (int i = n - 1; i >= 0; i--)
            for (int j = m - 1; j >= 0; j--)
                length[i, j] = reference[i] == quantized[j] ? length[i + 1, j + 1] + 1 : Math.Max(length[i + 1, j], length[i, j + 1]);
        var pairs = new List<(int, int)>();
        for (int i = 0, j = 0; i < n && j < m;)
        {
            if (reference[i] == quantized[j])
                pairs.Add((i++, j++));
            else if (length[i + 1, j] >= length[i, j + 1])
                i++;
            else
                j++;
        }
        return pairs;
    }
}
