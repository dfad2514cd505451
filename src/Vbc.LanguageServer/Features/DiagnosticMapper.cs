using Vbc.Diagnostics;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer.Features;

/// <summary>Core's diagnostics as LSP diagnostics: the same codes and messages as <c>vbc check</c>, in one place.</summary>
public static class DiagnosticMapper
{
    public static Lsp.Diagnostic[] ToLsp(DocumentAnalysis analysis) =>
        analysis.Contract.Diagnostics.Select(d => ToLsp(analysis, d)).ToArray();

    public static Lsp.Diagnostic ToLsp(DocumentAnalysis analysis, Diagnostic diagnostic)
    {
        Lsp.Range range;
        if (diagnostic.Location.Span is { } span)
        {
            range = analysis.RangeOf(span);
        }
        else
        {
            // No span (a note about the whole file): the line and column it gives, or the start of the file.
            var at = diagnostic.Location.Line > 0
                ? new Lsp.Position(diagnostic.Location.Line - 1, Math.Max(0, diagnostic.Location.Column - 1))
                : new Lsp.Position(0, 0);
            range = new Lsp.Range(at, at);
        }
        int severity = diagnostic.Severity switch
        {
            Severity.Error => Lsp.DiagnosticSeverity.Error,
            Severity.Warning => Lsp.DiagnosticSeverity.Warning,
            _ => Lsp.DiagnosticSeverity.Information,
        };
        return new Lsp.Diagnostic(range, severity, diagnostic.Code, "vbc", diagnostic.Message);
    }
}
