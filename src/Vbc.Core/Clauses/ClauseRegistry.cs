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
        if (!_kinds.TryAdd(kind.Keyword, kind))
        {
            throw new ArgumentException($"Two clause kinds use the keyword '{kind.Keyword}'.", nameof(kind));
        }
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
