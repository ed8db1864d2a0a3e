using Microsoft.ML.Deberta.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Deberta.Modeling;

/// <summary>
/// The checked, int64 inputs of one forward pass. Built by <see cref="Prepare"/>, which rejects what would otherwise
/// crash in native code or give a silently wrong answer (ids outside the vocabulary, shapes that disagree, masks
/// that are not 0/1) with an <see cref="ArgumentException"/> naming the input.
/// </summary>
internal sealed record ModelInputs(Tensor InputIds, Tensor Mask, Tensor TokenTypeIds, Tensor PositionIds)
{
    /// <summary>Validates and completes the inputs; the results live in the caller's dispose scope.</summary>
    public static ModelInputs Prepare(DebertaConfig config, Tensor inputIds, Tensor? attentionMask, Tensor? tokenTypeIds, Tensor? positionIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2)
            throw new ArgumentException($"input_ids must have shape (batch, sequence); got shape [{Shape(inputIds)}].", nameof(inputIds));
        long batch = inputIds.shape[0], length = inputIds.shape[1];
        if (batch == 0 || length == 0)
            throw new ArgumentException($"input_ids is empty (shape [{Shape(inputIds)}]).", nameof(inputIds));
        var ids = AsInt64(inputIds, "input_ids", nameof(inputIds));
        CheckRange(ids, 0, config.VocabSize, "input_ids", nameof(inputIds), $"the vocabulary (vocab_size {config.VocabSize})");
        if (config.PositionBiasedInput && length > config.MaxPositionEmbeddings && positionIds is null)
            throw new ArgumentException(
                $"The sequence length {length} exceeds max_position_embeddings {config.MaxPositionEmbeddings} of this model's absolute position table.",
                nameof(inputIds));

        Tensor mask;
        if (attentionMask is null)
        {
            mask = torch.ones(batch, length, dtype: ScalarType.Int64, device: ids.device);
        }
        else
        {
            CheckShape(attentionMask, ids, "attention_mask", nameof(attentionMask));
            var nonBinary = attentionMask.ne(TorchScalars.Zero).logical_and(attentionMask.ne(TorchScalars.One)).any().item<bool>();
            if (nonBinary)
                throw new ArgumentException("attention_mask must hold only 0 (padding) and 1 (token).", nameof(attentionMask));
            mask = attentionMask.ne(TorchScalars.Zero).to_type(ScalarType.Int64).to(ids.device);
        }

        Tensor types;
        if (tokenTypeIds is null || config.TypeVocabSize == 0)
        {
            // Without a token-type table transformers ignores token_type_ids.
            types = torch.zeros(batch, length, dtype: ScalarType.Int64, device: ids.device);
        }
        else
        {
            CheckShape(tokenTypeIds, ids, "token_type_ids", nameof(tokenTypeIds));
            types = AsInt64(tokenTypeIds, "token_type_ids", nameof(tokenTypeIds)).to(ids.device);
            CheckRange(types, 0, config.TypeVocabSize, "token_type_ids", nameof(tokenTypeIds), $"type_vocab_size {config.TypeVocabSize}");
        }

        Tensor positions;
        if (positionIds is null)
        {
            positions = RelativePositions.Positions(length, ids.device).unsqueeze(0);
        }
        else
        {
            if (positionIds.dim() != 2 || positionIds.shape[1] != length || (positionIds.shape[0] != batch && positionIds.shape[0] != 1))
                throw new ArgumentException(
                    $"position_ids must have shape [{batch}, {length}] or [1, {length}]; got [{Shape(positionIds)}].", nameof(positionIds));
            positions = AsInt64(positionIds, "position_ids", nameof(positionIds)).to(ids.device);
            if (config.PositionBiasedInput)
                CheckRange(positions, 0, config.MaxPositionEmbeddings, "position_ids", nameof(positionIds),
                    $"max_position_embeddings {config.MaxPositionEmbeddings}");
        }
        return new ModelInputs(ids, mask, types, positions);
    }

    /// <summary>
    /// Per-token cross-entropy targets (token classification, masked LM) checked against the inputs: the shape of
    /// input_ids, integers, and each −100 (ignored) or a class below <paramref name="classes"/> — anything else would
    /// fail inside libtorch. Returns them as int64.
    /// </summary>
    internal Tensor TokenTargets(Tensor labels, long classes)
    {
        if (!labels.shape.SequenceEqual(InputIds.shape))
            throw new ArgumentException($"labels has shape [{Shape(labels)}] but input_ids has shape [{Shape(InputIds)}].", nameof(labels));
        var targets = AsInt64(labels, "labels", nameof(labels));
        using Scalar ignored = (-100).ToScalar(), count = classes.ToScalar();   // see TorchScalars
        var bad = targets.ne(ignored).logical_and(targets.lt(TorchScalars.Zero).logical_or(targets.ge(count)));
        if (bad.any().item<bool>())
        {
            long value = targets[bad].flatten()[0].item<long>();
            throw new ArgumentException($"labels holds {value}; targets must be −100 (ignored) or in 0…{classes - 1}.", nameof(labels));
        }
        return targets;
    }

    internal static Tensor AsInt64(Tensor t, string name, string paramName)
    {
        if (t.dtype == ScalarType.Int64) return t.alias();
        if (t.dtype is ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte)
            return t.to_type(ScalarType.Int64);
        throw new ArgumentException($"{name} must hold integers (int64 or int32); got dtype {t.dtype}.", paramName);
    }

    internal static void CheckRange(Tensor values, long min, long maxExclusive, string name, string paramName, string what)
    {
        long lo = values.min().item<long>(), hi = values.max().item<long>();
        if (lo < min || hi >= maxExclusive)
            throw new ArgumentException(
                $"{name} holds {(lo < min ? lo : hi)}, outside {what} (allowed {min}…{maxExclusive - 1}).", paramName);
    }

    private static void CheckShape(Tensor t, Tensor reference, string name, string paramName)
    {
        if (!t.shape.SequenceEqual(reference.shape))
            throw new ArgumentException(
                $"{name} has shape [{Shape(t)}] but input_ids has shape [{Shape(reference)}]; they must match.", paramName);
    }

    internal static string Shape(Tensor t) => string.Join(", ", t.shape);
}
