namespace Edge.Runtime.Operators.Recurrent;

/// <summary>One parsed activation of a recurrent op with its alpha and beta (defaults filled in).</summary>
internal readonly record struct RecurrentActivation(RecurrentActivationKind Kind, float Alpha, float Beta)
{
    public static readonly RecurrentActivation Sigmoid = new(RecurrentActivationKind.Sigmoid, 0, 0);

    public static readonly RecurrentActivation Tanh = new(RecurrentActivationKind.Tanh, 0, 0);

    /// <summary>
    /// Reads <c>activations</c>, <c>activation_alpha</c> and <c>activation_beta</c>: as many functions per
    /// direction as <paramref name="defaults"/> has. Like ONNX Runtime, names are case-insensitive and alpha/beta
    /// values are consumed only by the functions that take them, in order.
    /// </summary>
    public static RecurrentActivation[] Parse(NodeContext context, int directions, RecurrentActivation[] defaults)
    {
        int perDirection = defaults.Length;
        string[]? names = context.Attributes.GetStrings("activations");
        if (names is null || names.Length == 0)
        {
            var result = new RecurrentActivation[perDirection * directions];
            for (int d = 0; d < directions; d++)
                defaults.CopyTo(result, d * perDirection);
            return result;
        }
        if (names.Length != perDirection * directions && !(directions == 2 && names.Length == perDirection))
            throw context.Fail($"attribute 'activations' has {names.Length} functions; expected {perDirection * directions} ({perDirection} per direction)");
        if (names.Length == perDirection && directions == 2)
            names = [.. names, .. names];

        float[] alphas = context.Attributes.GetFloats("activation_alpha") ?? [];
        float[] betas = context.Attributes.GetFloats("activation_beta") ?? [];
        int nextAlpha = 0, nextBeta = 0;
        var parsed = new RecurrentActivation[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            var (kind, alphaDefault, betaDefault, takesAlpha, takesBeta) = names[i].ToLowerInvariant() switch
            {
                "sigmoid" => (RecurrentActivationKind.Sigmoid, 0f, 0f, false, false),
                "tanh" => (RecurrentActivationKind.Tanh, 0f, 0f, false, false),
                "relu" => (RecurrentActivationKind.Relu, 0f, 0f, false, false),
                "affine" => (RecurrentActivationKind.Affine, 1f, 0f, true, true),
                "leakyrelu" => (RecurrentActivationKind.LeakyRelu, 0.01f, 0f, true, false),
                "thresholdedrelu" => (RecurrentActivationKind.ThresholdedRelu, 1f, 0f, true, false),
                "scaledtanh" => (RecurrentActivationKind.ScaledTanh, 1f, 1f, true, true),
                "hardsigmoid" => (RecurrentActivationKind.HardSigmoid, 0.2f, 0.5f, true, true),
                "elu" => (RecurrentActivationKind.Elu, 1f, 0f, true, false),
                "softsign" => (RecurrentActivationKind.Softsign, 0f, 0f, false, false),
                _ => throw context.Fail($"attribute 'activations' names '{names[i]}', which Edge does not support (supported: Sigmoid, Tanh, Relu, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign)"),
            };
            float alpha = takesAlpha && nextAlpha < alphas.Length ? alphas[nextAlpha++] : alphaDefault;
            float beta = takesBeta && nextBeta < betas.Length ? betas[nextBeta++] : betaDefault;
            parsed[i] = new RecurrentActivation(kind, alpha, beta);
        }
        return parsed;
    }
}
