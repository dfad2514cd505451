using System.Collections.Immutable;
using System.Globalization;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Scenarios;

/// <summary>A data file of a scenario: the contract's one table (<see cref="Table"/> null) or a named table.</summary>
public sealed record ScenarioData(string? Table, string Path, Location At)
{
    /// <summary>The path as the scenario file writes it, for messages (never this machine's absolute path).</summary>
    public string Written { get; init; } = Path;
}

/// <summary>An input's value as written (read by the same rules as --input), and where.</summary>
public sealed record ScenarioInput(string Name, string Text, Location At);

/// <summary>A payment line the scenario must produce, by the statement's line id ("total" for the total), in cents.</summary>
public sealed record ScenarioExpectation(string LineId, decimal Amount, Location At)
{
    public const string TotalId = "total";
}

/// <summary>One named case: the data (paths resolved against the scenario file's folder), year and inputs, and what it must pay.</summary>
public sealed record Scenario(
    string Name,
    Location At,
    IReadOnlyList<ScenarioData> Data,
    ScenarioData? Claims,
    int? Year,
    IReadOnlyList<ScenarioInput> Inputs,
    IReadOnlyList<ScenarioExpectation> Expectations);

/// <summary>
/// A contract's scenario file, <c>NAME.scenarios</c> beside <c>NAME.vbc</c> (format: docs/scenarios.md). It is written
/// in the contract language's own block syntax and read by the same parser, so its syntax errors, positions and
/// comments behave as in a contract; this class gives the blocks their meaning.
/// </summary>
public sealed class ScenarioFile
{
    public const string Extension = ".scenarios";

    private static readonly string[] Keys = { "data", "claims", "year", "inputs", "expect", "total" };

    private ScenarioFile(string path, SourceText source, IReadOnlyList<Scenario> scenarios, ImmutableArray<Diagnostic> diagnostics)
    {
        Path = path;
        Source = source;
        Scenarios = scenarios;
        Diagnostics = diagnostics;
    }

    public string Path { get; }

    public SourceText Source { get; }

    public IReadOnlyList<Scenario> Scenarios { get; }

    public ImmutableArray<Diagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>The scenario file of a contract, whether or not it exists: <c>contracts/x.vbc</c> gives <c>contracts/x.scenarios</c>.</summary>
    public static string PathFor(string contractPath) => System.IO.Path.ChangeExtension(contractPath, Extension);

    public static ScenarioFile Read(string path) => Parse(ContractParser.ParseFile(path), path);

    public static ScenarioFile Parse(string text, string path) => Parse(ContractParser.Parse(text, path), path);

    private static ScenarioFile Parse(ParsedContract parsed, string path)
    {
        var s = parsed.Source;
        var diagnostics = new List<Diagnostic>(parsed.Diagnostics);
        var scenarios = new List<Scenario>();
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".";
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var block in parsed.Root.Blocks)
        {
            if (block.Header.Text != "scenario")
            {
                diagnostics.Add(ScenarioDiagnostics.NotAScenario(s, block.Header.Span, block.Header.Text));
                continue;
            }
            if (block.Label is not { Value.Length: > 0 } label)
            {
                diagnostics.Add(ScenarioDiagnostics.Unnamed(s, block.Header.Span));
                continue;
            }
            int line = s.GetPosition(block.Span.Start).Line;
            if (!firstLine.TryAdd(label.Value, line))
            {
                diagnostics.Add(ScenarioDiagnostics.DuplicateName(s, label.Span, label.Value, firstLine[label.Value]));
                continue;
            }
            if (ReadScenario(s, block, label.Value, folder, diagnostics) is { } scenario)
            {
                scenarios.Add(scenario);
            }
        }
        if (parsed.Root.Blocks.Count == 0 && !diagnostics.Any(d => d.IsError))
        {
            diagnostics.Add(ScenarioDiagnostics.EmptyFile(s));
        }
        return new ScenarioFile(path, s, scenarios, diagnostics.ToImmutableArray());
    }

    private static Scenario? ReadScenario(SourceText s, BlockSyntax block, string name, string folder, List<Diagnostic> diagnostics)
    {
        int before = diagnostics.Count(d => d.IsError);
        var data = new List<ScenarioData>();
        ScenarioData? claims = null;
        int? year = null;
        var inputs = new List<ScenarioInput>();
        var expectations = new List<ScenarioExpectation>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        bool Once(WordsSyntax key)
        {
            if (seen.Add(key.Text))
            {
                return true;
            }
            diagnostics.Add(ScenarioDiagnostics.GivenTwice(s, key.Span, key.Text));
            return false;
        }

        foreach (var item in block.Items)
        {
            if (item is BlockSyntax nested)
            {
                if (nested.Header.Text == "inputs" && Once(nested.Header))
                {
                    ReadInputs(s, nested, inputs, diagnostics);
                }
                else if (nested.Header.Text != "inputs")
                {
                    diagnostics.Add(ScenarioDiagnostics.UnknownEntry(s, nested.Header.Span, nested.Header.Text, Suggest.Nearest(nested.Header.Text, Keys)));
                }
                continue;
            }
            var entry = (EntrySyntax)item;
            var words = entry.Key.Words;
            string key = entry.Key.Text;
            var value = entry.Values.Count == 1 ? entry.Values[0] : null;
            switch (words[0].ToLowerInvariant())
            {
                case "data" when words.Count <= 2:
                    if (Once(entry.Key))
                    {
                        if (value is StringLiteralSyntax { Value.Length: > 0 } file)
                        {
                            data.Add(new ScenarioData(words.Count == 2 ? words[1] : null, Resolve(folder, file.Value), Location.In(s, file.Span)) { Written = file.Value });
                        }
                        else
                        {
                            diagnostics.Add(ScenarioDiagnostics.WrongValue(s, entry.Span, key, "a file path in double quotes, relative to the scenario file (\"../seeds/members.csv\")"));
                        }
                    }
                    break;
                case "claims" when words.Count == 1:
                    if (Once(entry.Key))
                    {
                        if (value is StringLiteralSyntax { Value.Length: > 0 } file)
                        {
                            claims = new ScenarioData(null, Resolve(folder, file.Value), Location.In(s, file.Span)) { Written = file.Value };
                        }
                        else
                        {
                            diagnostics.Add(ScenarioDiagnostics.WrongValue(s, entry.Span, key, "a file path in double quotes, relative to the scenario file"));
                        }
                    }
                    break;
                case "year" when words.Count == 1:
                    if (Once(entry.Key))
                    {
                        if (value is NumberLiteralSyntax { Unit: LiteralUnit.None, Value: var y } && y == Math.Floor(y) && y is >= 1900 and <= 2200)
                        {
                            year = (int)y;
                        }
                        else
                        {
                            diagnostics.Add(ScenarioDiagnostics.WrongValue(s, entry.Span, key, "a performance year, a whole number such as 2024"));
                        }
                    }
                    break;
                case "total" when words.Count == 1:
                    if (Once(entry.Key))
                    {
                        if (Money(value) is { } total)
                        {
                            expectations.Add(new ScenarioExpectation(ScenarioExpectation.TotalId, total, Location.In(s, value!.Span)));
                        }
                        else
                        {
                            diagnostics.Add(ScenarioDiagnostics.WrongValue(s, entry.Span, key, "an amount of money to the cent, such as $1,234.56 or -$1,234.56"));
                        }
                    }
                    break;
                case "expect" when words.Count == 1:
                    if (Once(entry.Key))
                    {
                        if (value is TableSyntax { By: null } table)
                        {
                            ReadExpectations(s, table, expectations, diagnostics);
                        }
                        else
                        {
                            diagnostics.Add(ScenarioDiagnostics.WrongValue(s, entry.Span, key,
                                "a table of payment lines in braces, one per line: expect: { \"shared-savings.payment\": $1,234.56 }"));
                        }
                    }
                    break;
                default:
                    diagnostics.Add(ScenarioDiagnostics.UnknownEntry(s, entry.Key.Span, key, Suggest.Nearest(key, Keys)));
                    break;
            }
        }
        if (expectations.Count == 0 && diagnostics.Count(d => d.IsError) == before)
        {
            diagnostics.Add(ScenarioDiagnostics.NothingExpected(s, block.Header.Span, name));
        }
        return diagnostics.Count(d => d.IsError) > before ? null
            : new Scenario(name, Location.In(s, block.Header.Span), data, claims, year, inputs, expectations);
    }

    private static void ReadInputs(SourceText s, BlockSyntax block, List<ScenarioInput> inputs, List<Diagnostic> diagnostics)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in block.Items)
        {
            if (item is not EntrySyntax { Key.Words.Count: 1, Values.Count: 1 } entry)
            {
                diagnostics.Add(ScenarioDiagnostics.WrongValue(s, item.Span, "inputs", "one 'name: value' per line, the value written as with --input (quality_score: 92%)"));
                continue;
            }
            if (!names.Add(entry.Key.Words[0]))
            {
                diagnostics.Add(ScenarioDiagnostics.GivenTwice(s, entry.Key.Span, entry.Key.Words[0]));
                continue;
            }
            // The value's text goes to the engine as --input's would, so it is read by the same rules (92%, $1,234.00, 2024-01-01).
            var value = entry.Values[0];
            string text = value is StringLiteralSyntax str ? str.Value : s.GetText(value.Span).Trim();
            inputs.Add(new ScenarioInput(entry.Key.Words[0], text, Location.In(s, value.Span)));
        }
    }

    private static void ReadExpectations(SourceText s, TableSyntax table, List<ScenarioExpectation> expectations, List<Diagnostic> diagnostics)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            if (row.Key is not StringLiteralSyntax { Value.Length: > 0 } id)
            {
                diagnostics.Add(ScenarioDiagnostics.WrongValue(s, row.Key.Span, "expect", "a statement line id in double quotes on the left, such as \"shared-savings.payment\""));
                continue;
            }
            if (Money(row.Result) is not { } amount)
            {
                diagnostics.Add(ScenarioDiagnostics.WrongValue(s, row.Result.Span, "expect", "an amount of money to the cent on the right, such as $1,234.56 or -$1,234.56"));
                continue;
            }
            if (!ids.Add(id.Value))
            {
                diagnostics.Add(ScenarioDiagnostics.GivenTwice(s, id.Span, id.Value));
                continue;
            }
            expectations.Add(new ScenarioExpectation(id.Value, amount, Location.In(s, row.Result.Span)));
        }
    }

    /// <summary>$1,234.56 or -$1,234.56, to the cent at most: a payment line is paid in cents.</summary>
    private static decimal? Money(ValueSyntax? value) => value switch
    {
        NumberLiteralSyntax { Unit: LiteralUnit.Money, Value: var v } when v == Math.Round(v, 2) => v,
        UnarySyntax { Operator: UnaryOperator.Negate, Operand: NumberLiteralSyntax { Unit: LiteralUnit.Money, Value: var v } } when v == Math.Round(v, 2) => -v,
        _ => null,
    };

    private static string Resolve(string folder, string path) =>
        System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, path));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Path}: {Scenarios.Count} scenarios");
}
