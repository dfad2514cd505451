namespace Vbc.Clauses;

/// <summary>
/// The clause kinds a contract may use. Built-in kinds are registered by <see cref="BuiltInClauses"/>; plug-in kinds
/// are added the same way. A block's header is matched to the longest keyword it starts with, so
/// "measure diabetes_control" is the kind "measure" with the name "diabetes_control".
/// </summary>
public sealed class ClauseRegistry
{
    private readonly Dictionary<string, IClauseKind> _kinds = new(StringComparer.Ordinal);

    public ClauseRegistry(IEnumerable<IClauseKind> kinds)
    {
        foreach (var kind in kinds)
        {
            Add(kind);
        }
    }

    /// <summary>The built-in kinds.</summary>
    public static ClauseRegistry Default { get; } = new(BuiltInClauses.All);

    public IEnumerable<IClauseKind> Kinds => _kinds.Values;

    public void Add(IClauseKind kind)
    {
        CheckCapabilities(kind);
        if (!_kinds.TryAdd(kind.Keyword, kind))
        {
            throw new ArgumentException($"Two clause kinds use the keyword '{kind.Keyword}'.", nameof(kind));
        }
    }

    // A capability relies on a setting the rest of vbc reads by its key: a kind that declares the capability without
    // the setting is a mistake in the kind's code, found when it is registered rather than when a contract uses it.
    private static void CheckCapabilities(IClauseKind kind)
    {
        void Needs(ClauseCapabilities capability, string key, TypeExpectation type)
        {
            if ((kind.Capabilities & capability) != 0
                && !kind.Parameters.Any(p => p.Key == key && p.Shape == ParameterShape.Range && p.Type == type && p.Required))
            {
                throw new ArgumentException($"The clause kind '{kind.Keyword}' declares {capability} but no required range setting '{key}' of {type.Description}.", nameof(kind));
            }
        }
        Needs(ClauseCapabilities.Level, ClauseCapabilityExtensions.LevelYearsKey, TypeExpectation.Year);
        Needs(ClauseCapabilities.DescribesContract, ClauseCapabilityExtensions.ContractPeriodKey, TypeExpectation.Date);
    }

    public IClauseKind? Find(string keyword) => _kinds.GetValueOrDefault(keyword);

    /// <summary>The kind whose keyword is the longest prefix of the words, and the words left over.</summary>
    public (IClauseKind? Kind, IReadOnlyList<string> Remaining) Match(IReadOnlyList<string> words)
    {
        var lower = words.Select(w => w.ToLowerInvariant()).ToList();
        for (int n = lower.Count; n >= 1; n--)
        {
            var keyword = string.Join(' ', lower.Take(n));
            if (_kinds.TryGetValue(keyword, out var kind))
            {
                return (kind, words.Skip(n).ToList());
            }
        }
        return (null, words);
    }
}
