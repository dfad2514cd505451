using Vbc.Semantics;

namespace Vbc.Navigation;

/// <summary>Facts about the language that editors list (completion, highlighting), read from where the binder keeps them.</summary>
public static class LanguageFacts
{
    /// <summary>The built-in functions, lower case, in a stable order.</summary>
    public static IReadOnlyList<string> Functions { get; } =
        ExpressionBinder.FunctionNames.Select(f => f.ToLowerInvariant()).Order(StringComparer.Ordinal).ToArray();
}
