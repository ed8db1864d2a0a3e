using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// TorchSharp's <see cref="AdamW"/> (decoupled weight decay, bias-corrected moments) whose step runs libtorch's fused
/// kernel <c>torch._fused_adamw_</c>: one pass over each parameter, its gradient and both moments, where TorchSharp's
/// step makes nine passes and allocates two temporaries the size of the parameter. The state (step counts, moments)
/// is AdamW's own, so saving and restoring it is unchanged.
/// </summary>
/// <remarks>
/// TorchSharp binds no fused or foreach optimizer op, so the kernel is reached through a one-line TorchScript
/// function. On deberta-base (139 M parameters, 2 cores) a step took 0.60 s with TorchSharp's loop, memory-bound,
/// and 0.12 s fused: a tenth of a fine-tuning step at 8 × 128. The kernel computes the first moment as a lerp, so
/// parameters agree with TorchSharp's step to float rounding (1.2e-7 after five steps), not bit for bit.
/// </remarks>
internal sealed class FusedAdamW : AdamW
{
    // torch._fused_adamw_ has no return value, and TorchSharp's invoke needs one: the first step tensor stands in.
    private const string Script = """
        def step(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], steps: List[Tensor], lr: float, beta1: float, beta2: float, weight_decay: float, eps: float) -> Tensor:
            no_max_exp_avg_sqs: List[Tensor] = []
            torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, no_max_exp_avg_sqs, steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
            return steps[0]

        """;

    private readonly jit.CompilationUnit _kernel = jit.compile(Script);

    /// <summary>As <see cref="AdamW"/>'s constructor with parameter groups (no AMSGrad, minimizing).</summary>
    public FusedAdamW(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps)
        : base(groups, lr: lr, beta1: beta1, beta2: beta2, eps: eps)
    {
    }

    /// <summary>Updates every parameter that has a gradient, one fused kernel call per group.</summary>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        if (options.amsgrad == true || options.maximize == true)
            throw new NotSupportedException("FusedAdamW runs AdamW without AMSGrad, minimizing.");
        // Each read of .grad crosses into libtorch and wraps the handle anew: read once, keep the wrapper (released by
        // _step's dispose scope).
        var parameters = group.Parameters.Select(p => (Parameter: p, Gradient: p.grad)).Where(p => p.Gradient is not null).ToArray();
        if (parameters.Length == 0)
            return;
        var states = parameters.Select(p => (State)_state[p.Parameter.Handle]).ToArray();
        foreach (var state in states)
            state.step += 1;
        // The kernel reads each parameter's step count from a float32 scalar (exact to 2^24 steps); these, and the
        // returned handle, are released by _step's dispose scope.
        var steps = states.Select(s => tensor((float)s.step)).ToArray();
        _kernel.invoke("step",
            parameters.Select(p => (Tensor)p.Parameter).ToArray(), parameters.Select(p => p.Gradient!).ToArray(),
            states.Select(s => s.exp_avg).ToArray(), states.Select(s => s.exp_avg_sq).ToArray(), steps,
            options.LearningRate!.Value, options.beta1!.Value, options.beta2!.Value, options.weight_decay!.Value, options.eps!.Value);
    }, closure);

    /// <summary>
    /// Releases every parameter's gradient (PyTorch's default, <c>set_to_none</c>) rather than filling it with zeros:
    /// the next backward then stores each gradient as computed, where a zeroed one costs a pass of zeros and an
    /// addition over every parameter (0.1–0.15 s a step on deberta-base and deberta-v3-base). A parameter the backward
    /// does not reach keeps no gradient and <see cref="step"/> skips it, as AdamW skips it in PyTorch.
    /// </summary>
    public override void zero_grad()
    {
        foreach (var parameter in parameters())
            parameter.grad = null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _kernel.Dispose();
        base.Dispose(disposing);
    }
}
