using Vbc.Text;

namespace Vbc.Diagnostics;

/// <summary>
/// Problems the built-in clause kinds find in how their settings fit together (codes VBC2070-VBC2079), documented in
/// docs/diagnostics.md. Each message says what to do.
/// </summary>
public static class ClauseDiagnostics
{
    private static Diagnostic Error(string code, SourceText source, TextSpan span, string message) =>
        new(code, Severity.Error, Location.In(source, span), message);

    public static Diagnostic CarveOutNeedsCategory(SourceText s, TextSpan span, string part, string scopeKey, string example) =>
        Error("VBC2070", s, span,
            $"Say which column of '{scopeKey}' the carve-out '{part}' is part of, since its dollars are subtracted from that column's: write '{part} from COLUMN', as in '{example}'.");

    public static Diagnostic CarveOutCategoryNotInScope(SourceText s, TextSpan span, string part, string category, string scopeKey, string inScope) =>
        Error("VBC2071", s, span,
            $"'{part}' is carved out from '{category}', which is not in '{scopeKey}' ({inScope}): its dollars were never counted, so subtracting them would make costs too low. Carve it out from a column in '{scopeKey}', or add '{category}' there.");

    public static Diagnostic CarveOutConflict(SourceText s, TextSpan span, string message) =>
        Error("VBC2072", s, span, message);
}
