namespace Edge.Runtime.Tests.Operators.Recurrent;

/// <summary>
/// Straightforward double-precision LSTM and GRU, written from the ONNX equations one scalar at a time,
/// to check the vectorised kernels against. Returns Y, Y_h (and Y_c) in the case's layout.
/// </summary>
internal static class RecurrentReference
{
    public static (double[] Y, double[] Yh, double[] Yc) Lstm(RecurrentCase c)
    {
        int T = c.SequenceLength, N = c.Batch, I = c.InputSize, H = c.HiddenSize, D = c.Directions;
        var y = new double[T * D * N * H];
        var yh = new double[D * N * H];
        var yc = new double[D * N * H];
        for (int d = 0; d < D; d++)
        {
            var (f, g, h) = (Act(c, d, 3, 0, "Sigmoid"), Act(c, d, 3, 1, "Tanh"), Act(c, d, 3, 2, "Tanh"));
            for (int n = 0; n < N; n++)
            {
                var hidden = new double[H];
                var cell = new double[H];
                for (int j = 0; j < H; j++)
                {
                    hidden[j] = c.InitialH is null ? 0 : c.InitialH[StateIndex(c, d, n, j)];
                    cell[j] = c.InitialC is null ? 0 : c.InitialC[StateIndex(c, d, n, j)];
                }
                int length = c.SequenceLens?[n] ?? T;
                for (int step = 0; step < length; step++)
                {
                    int t = Reverse(c, d) ? length - 1 - step : step;
                    // Gate blocks in ONNX order: i, o, f, c.
                    var pre = new double[4][];
                    for (int gate = 0; gate < 4; gate++)
                    {
                        pre[gate] = new double[H];
                        for (int j = 0; j < H; j++)
                            pre[gate][j] = Linear(c, 4, d, gate, j, t, n, hidden);
                    }
                    var i = new double[H];
                    var fo = new double[H];
                    var cand = new double[H];
                    var o = new double[H];
                    var newCell = new double[H];
                    for (int j = 0; j < H; j++)
                    {
                        double pi = c.P is null ? 0 : c.P[(d * 3 + 0) * H + j];
                        double po = c.P is null ? 0 : c.P[(d * 3 + 1) * H + j];
                        double pf = c.P is null ? 0 : c.P[(d * 3 + 2) * H + j];
                        i[j] = f(Clip(c, pre[0][j] + pi * cell[j]));
                        fo[j] = c.InputForget ? 1 - i[j] : f(Clip(c, pre[2][j] + pf * cell[j]));
                        cand[j] = g(Clip(c, pre[3][j]));
                        newCell[j] = fo[j] * cell[j] + i[j] * cand[j];
                        o[j] = f(Clip(c, pre[1][j] + po * newCell[j]));
                    }
                    for (int j = 0; j < H; j++)
                    {
                        cell[j] = newCell[j];
                        hidden[j] = o[j] * h(newCell[j]);
                        y[OutputIndex(c, t, d, n, j)] = hidden[j];
                    }
                }
                // ONNX Runtime reports zero final states for an empty sequence, not the initial ones.
                for (int j = 0; j < H; j++)
                {
                    yh[StateIndex(c, d, n, j)] = length == 0 ? 0 : hidden[j];
                    yc[StateIndex(c, d, n, j)] = length == 0 ? 0 : cell[j];
                }
            }
        }
        return (y, yh, yc);
    }

    public static (double[] Y, double[] Yh) Gru(RecurrentCase c)
    {
        int T = c.SequenceLength, N = c.Batch, H = c.HiddenSize, D = c.Directions;
        var y = new double[T * D * N * H];
        var yh = new double[D * N * H];
        for (int d = 0; d < D; d++)
        {
            var (f, g) = (Act(c, d, 2, 0, "Sigmoid"), Act(c, d, 2, 1, "Tanh"));
            for (int n = 0; n < N; n++)
            {
                var hidden = new double[H];
                for (int j = 0; j < H; j++)
                    hidden[j] = c.InitialH is null ? 0 : c.InitialH[StateIndex(c, d, n, j)];
                int length = c.SequenceLens?[n] ?? T;
                for (int step = 0; step < length; step++)
                {
                    int t = Reverse(c, d) ? length - 1 - step : step;
                    var z = new double[H];
                    var r = new double[H];
                    for (int j = 0; j < H; j++)
                    {
                        z[j] = f(Clip(c, Linear(c, 3, d, 0, j, t, n, hidden)));
                        r[j] = f(Clip(c, Linear(c, 3, d, 1, j, t, n, hidden)));
                    }
                    var candidate = new double[H];
                    var resetHidden = new double[H];
                    for (int j = 0; j < H; j++)
                        resetHidden[j] = r[j] * hidden[j];
                    for (int j = 0; j < H; j++)
                    {
                        double input = InputPart(c, 3, d, 2, j, t, n) + Bias(c, 3, d, 0, 2, j);
                        double recurrent = c.LinearBeforeReset
                            ? r[j] * (RecurrentPart(c, 3, d, 2, j, hidden) + Bias(c, 3, d, 1, 2, j))
                            : RecurrentPart(c, 3, d, 2, j, resetHidden) + Bias(c, 3, d, 1, 2, j);
                        candidate[j] = g(Clip(c, input + recurrent));
                    }
                    for (int j = 0; j < H; j++)
                    {
                        hidden[j] = (1 - z[j]) * candidate[j] + z[j] * hidden[j];
                        y[OutputIndex(c, t, d, n, j)] = hidden[j];
                    }
                }
                for (int j = 0; j < H; j++)
                    yh[StateIndex(c, d, n, j)] = length == 0 ? 0 : hidden[j];
            }
        }
        return (y, yh);
    }

    private static bool Reverse(RecurrentCase c, int d) => c.Direction == "reverse" || d == 1;

    private static double Clip(RecurrentCase c, double x) => c.Clip is { } limit ? Math.Clamp(x, -limit, limit) : x;

    /// <summary>x·W_gᵀ + h·R_gᵀ + Wb_g + Rb_g for hidden unit j.</summary>
    private static double Linear(RecurrentCase c, int gates, int d, int gate, int j, int t, int n, double[] hidden) =>
        InputPart(c, gates, d, gate, j, t, n) + RecurrentPart(c, gates, d, gate, j, hidden) + Bias(c, gates, d, 0, gate, j) + Bias(c, gates, d, 1, gate, j);

    private static double InputPart(RecurrentCase c, int gates, int d, int gate, int j, int t, int n)
    {
        int I = c.InputSize;
        double sum = 0;
        for (int k = 0; k < I; k++)
        {
            int xIndex = (c.Layout == 0 ? t * c.Batch + n : n * c.SequenceLength + t) * I + k;
            sum += (double)c.X[xIndex] * c.W[((d * gates + gate) * c.HiddenSize + j) * I + k];
        }
        return sum;
    }

    private static double RecurrentPart(RecurrentCase c, int gates, int d, int gate, int j, double[] hidden)
    {
        int H = c.HiddenSize;
        double sum = 0;
        for (int k = 0; k < H; k++)
            sum += hidden[k] * c.R[((d * gates + gate) * H + j) * H + k];
        return sum;
    }

    /// <summary>Wb (<paramref name="half"/> 0) or Rb (1) of one gate.</summary>
    private static double Bias(RecurrentCase c, int gates, int d, int half, int gate, int j) =>
        c.B is null ? 0 : c.B[(d * 2 + half) * gates * c.HiddenSize + gate * c.HiddenSize + j];

    private static int StateIndex(RecurrentCase c, int d, int n, int j) =>
        (c.Layout == 0 ? d * c.Batch + n : n * c.Directions + d) * c.HiddenSize + j;

    private static int OutputIndex(RecurrentCase c, int t, int d, int n, int j) =>
        (c.Layout == 0 ? (t * c.Directions + d) * c.Batch + n : (n * c.SequenceLength + t) * c.Directions + d) * c.HiddenSize + j;

    private static Func<double, double> Act(RecurrentCase c, int d, int perDirection, int index, string fallback)
    {
        var (name, alpha, beta) = c.Activations?[d * perDirection + index] ?? (fallback, 0f, 0f);
        return name switch
        {
            "Sigmoid" => x => 1 / (1 + Math.Exp(-x)),
            "Tanh" => Math.Tanh,
            "Relu" => x => Math.Max(x, 0),
            "Affine" => x => alpha * x + beta,
            "LeakyRelu" => x => x >= 0 ? x : alpha * x,
            "ThresholdedRelu" => x => x >= alpha ? x : 0,
            "ScaledTanh" => x => alpha * Math.Tanh(beta * x),
            "HardSigmoid" => x => Math.Clamp(alpha * x + beta, 0, 1),
            "Elu" => x => x >= 0 ? x : alpha * (Math.Exp(x) - 1),
            "Softsign" => x => x / (1 + Math.Abs(x)),
            _ => throw new ArgumentException($"reference has no activation '{name}'"),
        };
    }
}
