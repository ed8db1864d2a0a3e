using Microsoft.ML.Data;

namespace Microsoft.ML.Deberta.MLNet;

/// <summary>
/// Walks a loaded model (a transformer or nested <see cref="TransformerChain{TLastTransformer}"/>s) depth-first in
/// chain order, the order in which ML.NET saved the steps, to count DeBERTa stubs and swap them for real steps.
/// </summary>
internal static class ModelSteps
{
    private static readonly TransformerScope[] ScopeFlags = [TransformerScope.Training, TransformerScope.Testing, TransformerScope.Scoring];

    /// <summary>The number of DeBERTa stubs in <paramref name="model"/>, looking into chains of any type.</summary>
    public static int CountStubs(ITransformer model) =>
        SavedStepStub.IsStub(model) ? 1 : IsChain(model, out var members) ? members.Sum(CountStubs) : 0;

    private static bool IsChain(ITransformer model, out IEnumerable<ITransformer> members)
    {
        var type = model.GetType();
        bool chain = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(TransformerChain<>);
        members = chain ? (IEnumerable<ITransformer>)model : [];
        return chain;
    }

    /// <summary>
    /// A copy of <paramref name="model"/> with its stubs replaced, in order, by <paramref name="steps"/>; chains are
    /// rebuilt with the public constructor and their members' scopes.
    /// </summary>
    public static ITransformer ReplaceStubs(ITransformer model, IReadOnlyList<ITransformer> steps)
    {
        int next = 0;
        var result = Replace(model, steps, ref next);
        if (next != steps.Count)
            throw new InvalidOperationException($"{steps.Count} steps for {next} stubs.");
        return result;
    }

    private static ITransformer Replace(ITransformer model, IReadOnlyList<ITransformer> steps, ref int next)
    {
        if (SavedStepStub.IsStub(model))
            return next < steps.Count ? steps[next++] : throw new InvalidOperationException($"More stubs than the {steps.Count} steps.");
        if (model is not TransformerChain<ITransformer> chain)
            return model;
        var members = chain.ToArray();
        var scopes = ScopesOf(chain, members);
        var replaced = new ITransformer[members.Length];
        for (int i = 0; i < members.Length; i++)
            replaced[i] = Replace(members[i], steps, ref next);
        return new TransformerChain<ITransformer>(replaced, scopes);
    }

    // The scopes are only reachable through an internal interface; GetModelFor(scope) lists the members that have
    // a scope, in order, so each member's scope is the union of the flags whose filtered chain holds it.
    private static TransformerScope[] ScopesOf(TransformerChain<ITransformer> chain, ITransformer[] members)
    {
        var scopes = new TransformerScope[members.Length];
        foreach (var flag in ScopeFlags)
        {
            var filtered = chain.GetModelFor(flag).ToArray();
            for (int i = 0, j = 0; i < members.Length && j < filtered.Length; i++)
            {
                if (!ReferenceEquals(members[i], filtered[j]))
                    continue;
                scopes[i] |= flag;
                j++;
            }
        }
        return scopes;
    }
}
