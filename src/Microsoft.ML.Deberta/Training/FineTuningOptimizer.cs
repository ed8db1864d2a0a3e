using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// One optimizer step of the fine-tuning recipe transformers' Trainer uses: AdamW with decoupled weight decay on
/// every parameter except biases and LayerNorm weights, a linear warm-up/decay schedule, and gradient clipping by
/// global norm. The AdamW step is libtorch's fused kernel (<see cref="FusedAdamW"/>).
/// </summary>
/// <remarks>
/// ML.NET's TorchSharp trainers use Adam with coupled L2 decay on every parameter, a summed loss and clipping at 5;
/// this class follows the transformers recipe instead, and a test reproduces a transformers run step by step.
/// </remarks>
internal sealed class FineTuningOptimizer : IDisposable
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly AdamW _adamW;
    private readonly LinearWarmupDecaySchedule _schedule;
    private readonly double _maxGradNorm;
    private int _step;

    /// <summary>Creates the optimizer over a model's named parameters.</summary>
    /// <param name="namedParameters">The model's trainable parameters with their checkpoint names.</param>
    /// <param name="schedule">The learning-rate schedule.</param>
    /// <param name="weightDecay">Decoupled weight decay for every parameter whose name contains neither "bias" nor "LayerNorm".</param>
    /// <param name="maxGradNorm">Clip the global gradient norm to this value; 0 or less disables clipping.</param>
    /// <param name="beta1">AdamW's first-moment coefficient.</param>
    /// <param name="beta2">AdamW's second-moment coefficient.</param>
    /// <param name="epsilon">AdamW's denominator term.</param>
    public FineTuningOptimizer(
        IEnumerable<(string Name, Parameter Parameter)> namedParameters,
        LinearWarmupDecaySchedule schedule,
        double weightDecay = 0.01,
        double maxGradNorm = 1.0,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be >= 0.");
        if (double.IsNaN(maxGradNorm)) throw new ArgumentOutOfRangeException(nameof(maxGradNorm), "The clipping norm must be a number.");

        var trainable = namedParameters.Where(p => p.Parameter.requires_grad).ToList();
        if (trainable.Count == 0) throw new ArgumentException("The model has no trainable parameters.", nameof(namedParameters));
        var decayed = trainable.Where(p => !IsExemptFromWeightDecay(p.Name)).Select(p => p.Parameter).ToList();
        var exempt = trainable.Where(p => IsExemptFromWeightDecay(p.Name)).Select(p => p.Parameter).ToList();
        _parameters = trainable.Select(p => p.Parameter).ToList();
        _maxGradNorm = maxGradNorm;

        var groups = new List<AdamW.ParamGroup>();
        if (decayed.Count > 0)
            groups.Add(new AdamW.ParamGroup(decayed, lr: schedule.LearningRateAt(0), beta1: beta1, beta2: beta2, eps: epsilon, weight_decay: weightDecay));
        if (exempt.Count > 0)
            groups.Add(new AdamW.ParamGroup(exempt, lr: schedule.LearningRateAt(0), beta1: beta1, beta2: beta2, eps: epsilon, weight_decay: 0));
        _adamW = new FusedAdamW(groups, lr: schedule.LearningRateAt(0), beta1: beta1, beta2: beta2, eps: epsilon);
    }

    /// <summary>Optimizer steps taken so far.</summary>
    public int StepsTaken => _step;

    /// <summary>Whether the recipe exempts a parameter from weight decay (biases and LayerNorm parameters).</summary>
    public static bool IsExemptFromWeightDecay(string parameterName) =>
        parameterName.Contains("bias", StringComparison.Ordinal) || parameterName.Contains("LayerNorm", StringComparison.Ordinal);

    /// <summary>Clears the gradients of every trainable parameter.</summary>
    public void ZeroGrad() => _adamW.zero_grad();

    /// <summary>
    /// Clips the gradients already accumulated by <c>backward()</c>, sets this step's learning rate and updates the
    /// parameters.
    /// </summary>
    /// <returns>The learning rate used and the global gradient norm before clipping.</returns>
    /// <exception cref="InvalidOperationException">The gradient norm is not finite; no parameter is changed.</exception>
    public OptimizerStepResult Step()
    {
        double learningRate = _schedule.LearningRateAt(_step);
        double gradNorm = ClipGradientNorm();
        if (!double.IsFinite(gradNorm))
            throw new InvalidOperationException(
                $"The gradient norm at optimizer step {_step + 1} is {gradNorm}; the step is not applied. Try a lower learning rate.");
        foreach (var group in _adamW.ParamGroups)
            group.LearningRate = learningRate;
        _adamW.step();
        _step++;
        return new OptimizerStepResult(learningRate, gradNorm);
    }

    // torch.nn.utils.clip_grad_norm_: total = ‖(‖g_i‖₂)_i‖₂, scale = min(1, max / (total + 1e-6)).
    private double ClipGradientNorm()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var grads = _parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        var total = torch.linalg.vector_norm(torch.stack(grads.Select(g => torch.linalg.vector_norm(g, 2)).ToArray()), 2);
        double norm = total.item<float>();
        if (_maxGradNorm > 0 && double.IsFinite(norm))
        {
            // Every Scalar held through its call (see TorchScalars).
            using Scalar maxNorm = _maxGradNorm.ToScalar(), epsilon = 1e-6.ToScalar(), one = 1.0.ToScalar();
            var scale = torch.clamp(total.add(epsilon, Modeling.TorchScalars.One).reciprocal().mul(maxNorm), max: one);
            // Below the threshold the scale is exactly 1: skip a pass over every gradient that would change nothing.
            if (scale.item<float>() != 1f)
                foreach (var g in grads) g.mul_(scale);
        }
        return norm;
    }

    /// <summary>Writes AdamW's state (per parameter: its step count and both moment estimates; per group: its settings).</summary>
    public void WriteState(BinaryWriter writer) => _adamW.save_state_dict(writer);

    /// <summary>
    /// Restores what <see cref="WriteState"/> wrote, and the schedule's position: the next step is step
    /// <paramref name="stepsTaken"/> + 1, with AdamW's bias corrections where they were.
    /// </summary>
    public void RestoreState(BinaryReader reader, int stepsTaken)
    {
        _adamW.load_state_dict(reader);
        _step = stepsTaken;
    }

    /// <inheritdoc />
    public void Dispose() => _adamW.Dispose();
}
