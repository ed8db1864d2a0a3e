namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// TorchSharp's native library (libtorch) could not be loaded in this process, so no DeBERTa model can be built or
/// run. Raised on first use instead of TorchSharp's <see cref="TypeInitializationException"/>; the message names the
/// cause (on Linux, the libstdc++ symbol version libtorch needs and the newest one the host has), the platforms that
/// work, and what to do.
/// </summary>
public sealed class TorchRuntimeUnavailableException : Exception
{
    /// <summary>Creates the exception with its explanation and TorchSharp's own error.</summary>
    public TorchRuntimeUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
