using Vbc.Text;

namespace Vbc.Diagnostics;

public enum Severity
{
    Error,
    Warning,
    Info,
}

/// <summary>
/// Where a problem is: a file and a 1-based line and column, and for contract text the span it covers.
/// Data problems use the line of the row in the data file and the column where the field starts.
/// </summary>
public sealed record Location(string File, int Line, int Column, TextSpan? Span = null)
{
    public static Location In(SourceText source, TextSpan span)
    {
        var p = source.GetPosition(span.Start);
        return new Location(source.Path, p.Line, p.Column, span);
    }

    public static Location OfFile(string file) => new(file, 0, 0);

    public override string ToString() => Line > 0 ? $"{File}({Line},{Column})" : File;
}

/// <summary>
/// One problem found in a contract, in data or in a run. Made only by the catalogs in this folder
/// (<see cref="SyntaxDiagnostics"/>, <see cref="BindingDiagnostics"/>, ...) so that each code has one meaning,
/// one message shape and one entry in docs/diagnostics.md. User errors are diagnostics, never exceptions.
/// </summary>
public sealed record Diagnostic(string Code, Severity Severity, Location Location, string Message)
{
    public bool IsError => Severity == Severity.Error;

    /// <summary>MSBuild style, which editors and CI parse: <c>file(line,col): error CODE: message</c>.</summary>
    public override string ToString()
    {
        string level = Severity switch
        {
            Severity.Error => "error",
            Severity.Warning => "warning",
            _ => "info",
        };
        return $"{Location}: {level} {Code}: {Message}";
    }
}

/// <summary>Collects diagnostics in the order found, up to a limit, so that garbage input cannot flood a terminal.</summary>
public sealed class DiagnosticBag
{
    public const int Limit = 200;
    private readonly List<Diagnostic> _items = new();
    private bool _truncated;

    public int Count => _items.Count;

    public bool HasErrors { get; private set; }

    public void Add(Diagnostic diagnostic)
    {
        if (_items.Count >= Limit)
        {
            _truncated = true;
            return;
        }
        _items.Add(diagnostic);
        HasErrors |= diagnostic.IsError;
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            Add(d);
        }
    }

    /// <summary>The diagnostics, sorted by position, with a note at the end when some were left out.</summary>
    public IReadOnlyList<Diagnostic> ToList()
    {
        var sorted = _items
            .Select((d, i) => (d, i))
            .OrderBy(x => x.d.Location.File, StringComparer.Ordinal)
            .ThenBy(x => x.d.Location.Line)
            .ThenBy(x => x.d.Location.Column)
            .ThenBy(x => x.i)
            .Select(x => x.d)
            .ToList();
        if (_truncated && sorted.Count > 0)
        {
            sorted.Add(GeneralDiagnostics.TooManyDiagnostics(sorted[^1].Location.File, Limit));
        }
        return sorted;
    }
}
