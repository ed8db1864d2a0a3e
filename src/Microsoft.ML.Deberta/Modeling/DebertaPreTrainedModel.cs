using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// What the bare DeBERTa model and every task head share: the configuration, seeded weight initialisation, the
/// inference entry point, and the mapping to transformers' class names and state-dict keys.
/// </summary>
/// <remarks>
/// Parameter names (<c>named_parameters()</c>, <c>state_dict()</c>) are exactly the keys transformers uses:
/// <c>embeddings.*</c>/<c>encoder.*</c> for the bare model, <c>deberta.*</c> plus the head's own keys for a task model.
/// </remarks>
public abstract class DebertaPreTrainedModel : nn.Module
{
    /// <summary>The prefix under which a task model holds its backbone (transformers' <c>base_model_prefix</c> + ".").</summary>
    internal const string BackbonePrefix = "deberta.";

    /// <summary>Builds the model's configuration part; the config is copied, so later changes to it do not affect the model.</summary>
    /// <param name="name">The TorchSharp module name.</param>
    /// <param name="config">The configuration; validated here.</param>
    /// <exception cref="TorchRuntimeUnavailableException">TorchSharp's native library cannot load in this process.</exception>
    private protected DebertaPreTrainedModel(string name, DebertaConfig config)
        : base(TorchRuntime.EnsureLoaded(name))   // before nn.Module's constructor first touches libtorch
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config.Clone();
    }

    /// <summary>The configuration the model was built from (a private copy).</summary>
    public DebertaConfig Config { get; }

    /// <summary>The DeBERTa backbone (the model itself for <see cref="DebertaModel"/>).</summary>
    public abstract DebertaModel Backbone { get; }

    /// <summary>The transformers class this model corresponds to, e.g. <c>DebertaV2ForSequenceClassification</c>.</summary>
    /// <remarks>Our class names are transformers' v1 names, so the v2 name inserts "V2" after "Deberta".</remarks>
    internal string HuggingFaceClassName => Config.Version == DebertaVersion.V2 ? "DebertaV2" + GetType().Name["Deberta".Length..] : GetType().Name;

    /// <summary>Whether a state-dict key belongs to the task head rather than the backbone.</summary>
    internal bool IsHeadKey(string key) => this is not DebertaModel && !key.StartsWith(BackbonePrefix, StringComparison.Ordinal);

    /// <summary>The precision the encoder computes its products in: <see cref="DebertaPrecision.Float32"/> unless <see cref="ConvertForInference"/> changed it.</summary>
    public DebertaPrecision Precision => Backbone.ProductPrecision;

    /// <summary>
    /// Converts the model for inference in <paramref name="precision"/> and puts it in eval mode. In either precision the relative-position
    /// projections (each layer's projection of the relative-embedding table, which depends on the weights alone and
    /// which transformers recomputes in every pass) are computed by the first inference pass and kept for the later
    /// ones, as ONNX Runtime folds them into constants: a quarter to a third of the work of a one-sequence pass.
    /// For <see cref="DebertaPrecision.BFloat16"/>
    /// the weights of the encoder's products (attention, relative-position and feed-forward projections) are rounded to
    /// bfloat16 in place, halving their memory, and the attention score products run in bfloat16 too; embeddings,
    /// LayerNorm, softmax, the residual stream, the relative-position indices and the task head stay float32, and every
    /// output is a float32 tensor as before. Logits move by bfloat16 rounding (within 0.01 of float32 on the golden
    /// models). Whether it is faster depends on the CPU: it pays where libtorch multiplies bfloat16 much faster than
    /// float32 (AMX tiles; AMD Zen 5, whose float32 products take MKL's AVX2 path); on an Intel CPU with AVX512-BF16
    /// but no AMX the bfloat16 products run no faster than float32's AVX-512 ones (bench/Microsoft.ML.Deberta.Bench/README.md).
    /// </summary>
    /// <param name="precision">The precision to compute in. <see cref="DebertaPrecision.Float32"/> is accepted only
    /// while the model still is float32.</param>
    /// <remarks>
    /// The kept projections are released when the model enters training mode (<c>train()</c>) or loads a state dict,
    /// and computed again by the next inference pass; a model that changes its weights in another way while in eval
    /// mode (e.g. an in-place copy into a parameter) must call this method again before its next inference pass.
    /// Passes with autograd on, or in training mode, never use them.
    /// The bfloat16 conversion is one-way and the model is for inference only afterwards: <c>Forward</c> in training mode
    /// throws. Its state dict holds the rounded bfloat16 weights for those keys, and <c>SavePretrained</c> writes them as
    /// BF16 tensors, which load back (upcast to float32, or converted again) to the same values.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not a defined value.</exception>
    /// <exception cref="InvalidOperationException">Float32 was asked of a model already converted to bfloat16: its float32 weights are gone.</exception>
    public void ConvertForInference(DebertaPrecision precision)
    {
        ThrowIfDisposed();
        switch (precision)
        {
            case DebertaPrecision.Float32 when Precision != DebertaPrecision.Float32:
                throw new InvalidOperationException(
                    $"This model was converted to {Precision} and its float32 weights were rounded; load the model again for float32.");
            case DebertaPrecision.Float32:
                break;
            case DebertaPrecision.BFloat16:
                Backbone.ConvertProductsToBFloat16();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(precision), precision, $"Not a {nameof(DebertaPrecision)} value.");
        }
        eval();
        Backbone.KeepRelativeProjections();
    }

    /// <summary>Loads <paramref name="source"/> as <c>nn.Module</c> does, then releases the relative-position projections an inference model kept (see <see cref="ConvertForInference"/>).</summary>
    /// <param name="source">The state dict to copy from.</param>
    /// <param name="strict">Whether the keys must match exactly.</param>
    /// <param name="skip">Keys not to load.</param>
    /// <returns>The missing and the unexpected keys.</returns>
    public override (IList<string> missing_keys, IList<string> unexpected_keyes) load_state_dict(
        Dictionary<string, Tensor> source, bool strict = true, IList<string>? skip = null)
    {
        var result = base.load_state_dict(source, strict, skip);
        Backbone.ReleaseRelativeProjections();
        return result;
    }

    /// <summary>
    /// Whether an inference pass of <paramref name="rows"/> × <paramref name="length"/> (right-padded) runs its per-token
    /// work on the tokens alone (see <see cref="TokenPacking"/>), so that its cost grows with the tokens rather than with
    /// rows × length: what <see cref="Training.InferenceChunks"/> plans passes by. <paramref name="paddingUnread"/>: the
    /// caller reads no padded position of the output (see <see cref="DebertaModel.ForwardPaddingUnread"/>).
    /// </summary>
    internal virtual bool PacksTokensInInference(long rows, long length, bool paddingUnread = false) => false;

    /// <summary>The number of parameter values (tied weights counted once).</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>
    /// Re-initialises every weight as transformers does for a new model (normal(0, initializer_range) matrices,
    /// zero biases, unit LayerNorms), deterministically from <paramref name="seed"/>.
    /// </summary>
    internal void InitializeWeights(long seed) => WeightInitializer.Initialize(this, seed);

    /// <summary>Re-initialises the parameters whose key <paramref name="select"/> accepts (see <see cref="InitializeWeights(long)"/>).</summary>
    internal void InitializeWeights(long seed, Func<string, bool> select) => WeightInitializer.Initialize(this, seed, select);

    /// <summary>
    /// The generator every dropout of the model draws its masks from in training mode; null (the default) for
    /// TorchSharp's process-wide generator, as <c>nn.Dropout</c>. A training run sets its own seeded one for its duration.
    /// </summary>
    internal Generator? DropoutGenerator
    {
        get => dropoutGenerator;
        set
        {
            dropoutGenerator = value;
            foreach (var dropout in modules().OfType<StableDropout>())
                dropout.Generator = value;
        }
    }

    private Generator? dropoutGenerator;

    /// <summary>
    /// Runs a forward pass for inference: eval mode (no dropout), no autograd, intermediate tensors disposed.
    /// The returned tensors belong to no dispose scope; the caller disposes the output.
    /// </summary>
    private protected TOutput Infer<TOutput>(Func<TOutput> forward)
        where TOutput : DebertaOutput
    {
        ThrowIfDisposed();
        bool wasTraining = training;
        if (wasTraining) eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            var output = forward();
            output.DetachFromDisposeScope();
            return output;
        }
        finally
        {
            if (wasTraining) train();
        }
    }

    private bool _disposed;

    /// <summary>
    /// Throws <see cref="ObjectDisposedException"/> once the model is disposed: its weights are freed, and libtorch
    /// would otherwise fail on them with a message that does not say why.
    /// </summary>
    private protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    /// <summary>Checks that labels have one of the allowed shapes for a batch; names the problem.</summary>
    private protected static void CheckBatch(Tensor labels, long batch, string name)
    {
        if (labels.dim() == 0 || labels.shape[0] != batch)
            throw new ArgumentException(
                $"{name} has shape [{ModelInputs.Shape(labels)}] but the batch has {batch} rows.", name);
    }
}
