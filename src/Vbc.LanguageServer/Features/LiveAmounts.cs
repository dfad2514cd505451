using System.Diagnostics;
using System.Text;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer.Features;

/// <summary>
/// Live amounts: the contract settled in the background on its first scenario, shown in the text as inlay hints (each
/// payment clause's amount, each named value's value) with the statement's formulas in the hover. The scenario is the
/// command in the contract's header comment (<c>// Settle the example: vbc settle FILE --data X --input a=b</c>);
/// the settlement is the engine's, exactly as <c>vbc settle</c> makes it.
/// </summary>
public static class LiveAmounts
{
    /// <summary>What to settle the contract on: data file, inputs and year, from the header command.</summary>
    public sealed record Scenario(string? DataPath, IReadOnlyDictionary<string, string> Inputs, int? Year, int Line);

    /// <summary>A settlement of one version of a document, or the reason there is none.</summary>
    public sealed record Result(int Version, Statement? Statement, string? Problem, TimeSpan Elapsed);

    /// <summary>The scenario of the header command; relative paths are looked up from the workspace root, then from the contract's folder up.</summary>
    public static Scenario? FindScenario(DocumentAnalysis analysis, string? workspaceRoot)
    {
        var source = analysis.Source;
        for (int line = 1; line <= source.LineCount; line++)
        {
            string text = source.GetLineText(line).Trim();
            if (!text.StartsWith("//", StringComparison.Ordinal))
            {
                if (text.Length > 0)
                {
                    break; // only the comments above the first block
                }
                continue;
            }
            int at = text.IndexOf("vbc settle ", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }
            var words = text[(at + "vbc settle ".Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string? data = null;
            int? year = null;
            var inputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i + 1 < words.Length; i++)
            {
                switch (words[i])
                {
                    case "--data":
                        data = Resolve(words[++i], analysis.Source.Path, workspaceRoot);
                        break;
                    case "--input" when words[i + 1].IndexOf('=') is > 0 and var eq:
                        inputs[words[i + 1][..eq]] = words[i + 1][(eq + 1)..];
                        i++;
                        break;
                    case "--year" when int.TryParse(words[i + 1], out var y):
                        year = y;
                        i++;
                        break;
                }
            }
            return new Scenario(data, inputs, year, line);
        }
        return null;
    }

    private static string Resolve(string path, string contractPath, string? workspaceRoot)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }
        var candidates = new List<string>();
        if (workspaceRoot is not null)
        {
            candidates.Add(workspaceRoot);
        }
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(contractPath)); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            candidates.Add(dir);
        }
        // Not found: the path beside the contract, never the server process's working folder (which has nothing to do
        // with the document, and which made the result depend on where the server happened to start).
        return candidates.Select(c => Path.Combine(c, path)).FirstOrDefault(File.Exists) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(contractPath)) ?? "", path);
    }

    /// <summary>Settles the analysed contract on the scenario. Never throws for a problem in the contract or data: the result says it.</summary>
    public static Result Settle(DocumentAnalysis analysis, Scenario scenario)
    {
        var clock = Stopwatch.StartNew();
        if (analysis.Contract.HasErrors)
        {
            return new Result(analysis.Version, null, "the contract has errors", clock.Elapsed);
        }
        if (analysis.Contract.UsesMemberData && (scenario.DataPath is null || !File.Exists(scenario.DataPath)))
        {
            return new Result(analysis.Version, null, scenario.DataPath is null ? "the header command names no --data file" : $"the data file {scenario.DataPath} is not found", clock.Elapsed);
        }
        using var data = analysis.Contract.UsesMemberData ? new CsvMemberSource(scenario.DataPath!) : null;
        var result = SettlementEngine.Settle(analysis.Contract, new SettlementRequest { Year = scenario.Year, Inputs = scenario.Inputs, Data = data });
        string? problem = result.Statement is null
            ? result.Diagnostics.FirstOrDefault() is { } d ? $"{d.Code}: {d.Message}" : "the settlement failed"
            : null;
        return new Result(analysis.Version, result.Statement, problem, clock.Elapsed);
    }

    /// <summary>The hints: a clause's payments at the end of its header line, a named value's value at the end of its line.</summary>
    public static Lsp.InlayHint[] Hints(DocumentAnalysis analysis, Result result, Scenario scenario)
    {
        var source = analysis.Source;
        Lsp.Position EndOf(int line) => new(line - 1, source.GetLineText(line).Length);
        if (result.Statement is not { } statement)
        {
            return new[] { new Lsp.InlayHint(EndOf(scenario.Line), $"no live amounts: {result.Problem}", PaddingLeft: true) };
        }
        var hints = new List<Lsp.InlayHint>();
        foreach (var group in statement.Components.Where(c => c.Source is not null).GroupBy(c => c.Source!.Line))
        {
            string label = string.Join("; ", group.Select(c => $"{c.Label}: {Direction(c.Amount!.Value)}"));
            hints.Add(new Lsp.InlayHint(EndOf(group.Key), "= " + label, PaddingLeft: true,
                Tooltip: Lsp.MarkupContent.Markdown(string.Join("\n\n", group.Select(c => $"`{c.Formula}`")))));
        }
        foreach (var line in statement.Lines.Where(l => l.Id.StartsWith("values.", StringComparison.Ordinal) && l.Source is not null))
        {
            var symbol = analysis.Contract.Values.FirstOrDefault(v => v.Declaration.Start == line.Source!.Span?.Start);
            if (symbol is null || symbol.Level == EvaluationLevel.Constant)
            {
                continue; // a constant's value is written on its line already
            }
            hints.Add(new Lsp.InlayHint(EndOf(line.Source!.Line), "= " + Shown(line, symbol), PaddingLeft: true,
                Tooltip: Lsp.MarkupContent.Markdown($"`{line.Formula}`")));
        }
        hints.Add(new Lsp.InlayHint(EndOf(scenario.Line), $"total {Direction(statement.Total)} ({statement.PerformanceYear}, {statement.Population?.Members.ToString("N0") ?? "no"} members)", PaddingLeft: true));
        return hints.OrderBy(h => h.Position.Line).ThenBy(h => h.Position.Character).ToArray();
    }

    /// <summary>The statement's lines about a name, for its hover: how the settlement worked it out.</summary>
    public static string? Explain(Result? result, Symbol symbol)
    {
        if (result?.Statement is not { } statement)
        {
            return null;
        }
        var line = statement.Lines.FirstOrDefault(l => l.Id.Equals("values." + symbol.Name, StringComparison.OrdinalIgnoreCase));
        return line is null ? null : $"Live: `{line.Formula}`";
    }

    /// <summary>The statement's lines of a clause, for the hover on its header.</summary>
    public static string? ExplainClause(Result? result, BoundClause clause)
    {
        if (result?.Statement is not { } statement)
        {
            return null;
        }
        var lines = statement.Lines.Where(l => l.Clause == clause.Title && l.Source?.Span == clause.Syntax.Header.Span).ToList();
        if (lines.Count == 0)
        {
            return null;
        }
        var text = new StringBuilder("Live settlement:\n");
        foreach (var l in lines)
        {
            text.Append("- ").Append(l.Label).Append(": ").Append(l.Kind == LineKind.Component ? Direction(l.Amount!.Value) : "").Append(" `").Append(l.Formula).Append("`\n");
        }
        return text.ToString();
    }

    private static string Shown(StatementLine line, ValueSymbol symbol) =>
        line.Value is { } v ? Display.Format(v, symbol.Type) : line.Formula[(line.Formula.LastIndexOf(": ", StringComparison.Ordinal) + 2)..];

    /// <summary>Payer to provider positive, as on the statement.</summary>
    private static string Direction(decimal amount) => amount switch
    {
        > 0 => $"{Display.Money(amount)} to the provider",
        < 0 => $"{Display.Money(-amount)} to the payer",
        _ => Display.Money(0m),
    };
}
