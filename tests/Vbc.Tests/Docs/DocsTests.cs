using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Infrastructure;
using Vbc.Text;
using Binder = Vbc.Semantics.Binder;

namespace Vbc.Tests.Docs;

/// <summary>
/// Keeps docs/diagnostics.md and docs/language.md honest against the code:
/// (a) every diagnostic code in the catalogs has a section in docs/diagnostics.md, every documented code exists,
///     sections are in code order, and each section's severity and example match the catalog;
/// (b) every clause kind has a section in docs/language.md whose settings table lists exactly the kind's settings,
///     with the required flag, the range, per member or once, and the choices of its ParameterSpecs, and names the
///     values the clause defines; every type word and function is documented;
/// (c) every fenced code block marked ```vbc in docs/language.md is a whole contract that parses without syntax
///     errors and checks without errors. Blocks marked ```vbc-fragment are pieces of a contract (entries and
///     blocks, never a bare expression): the test wraps each in "fragment { ... }" and requires that to parse
///     without syntax errors. Examples of mistakes belong in ```text blocks, which are not checked.
/// </summary>
public class DocsTests
{
    private static readonly string LanguagePath = Golden.PathOf("docs", "language.md");
    private static readonly string DiagnosticsPath = Golden.PathOf("docs", "diagnostics.md");

    // ---- (a) diagnostics.md --------------------------------------------------------------------------------------

    [Fact]
    public void Every_catalog_code_has_a_section_and_every_documented_code_exists()
    {
        var catalog = CatalogCodes();
        Assert.True(catalog.Count > 50, $"Only {catalog.Count} codes found in the catalogs: is the scan still finding the catalog files?");
        var documented = DiagnosticSections().Select(s => s.Code).ToList();

        var missing = catalog.Except(documented).OrderBy(c => c, StringComparer.Ordinal).ToList();
        var unknown = documented.Except(catalog).OrderBy(c => c, StringComparer.Ordinal).ToList();
        var twice = documented.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(missing.Count == 0, "Codes in the catalogs without a '## VBCnnnn' section in docs/diagnostics.md: " + string.Join(", ", missing));
        Assert.True(unknown.Count == 0, "Codes documented in docs/diagnostics.md that no catalog defines: " + string.Join(", ", unknown));
        Assert.True(twice.Count == 0, "Codes with more than one section in docs/diagnostics.md: " + string.Join(", ", twice));
    }

    [Fact]
    public void Diagnostic_sections_are_in_code_order()
    {
        var documented = DiagnosticSections().Select(s => s.Code).ToList();
        var sorted = documented.OrderBy(c => c, StringComparer.Ordinal).ToList();
        Assert.Equal(sorted, documented);
    }

    [Fact]
    public void Each_diagnostic_section_has_stage_severity_meaning_example_and_fix()
    {
        var problems = new List<string>();
        foreach (var section in DiagnosticSections())
        {
            foreach (var part in new[] { "**Stage:**", "**Severity:**", "**Meaning:**", "**Example", "**How to fix:**" })
            {
                if (!section.Body.Contains(part, StringComparison.Ordinal))
                {
                    problems.Add($"{section.Code}: no {part}");
                }
            }
            // The example message is the real line vbc prints, so it carries the section's own code.
            var example = FencedBlocks(section.Body).FirstOrDefault();
            if (example is null || !Regex.IsMatch(example.Text, $@"\b(error|warning|info) {section.Code}: "))
            {
                problems.Add($"{section.Code}: the example block does not show a message 'error|warning|info {section.Code}: ...'");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Documented_severity_matches_the_catalog()
    {
        var sections = DiagnosticSections().ToDictionary(s => s.Code);
        var problems = new List<string>();
        int compared = 0;
        foreach (var (code, severity) in CatalogSeverities())
        {
            if (!sections.TryGetValue(code, out var section))
            {
                continue; // reported by the test above
            }
            var line = section.Body.Split('\n').FirstOrDefault(l => l.Contains("**Severity:**", StringComparison.Ordinal)) ?? "";
            string word = severity.ToString().ToLowerInvariant();
            if (!line.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{code}: the catalog makes it {word}, but the section says: {line.Trim()}");
            }
            compared++;
        }
        Assert.True(compared > 50, $"Only {compared} catalog entries could be made by reflection.");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    // ---- (b) language.md: clause kinds and their settings --------------------------------------------------------

    public static TheoryData<string> ClauseKeywords()
    {
        var data = new TheoryData<string>();
        foreach (var kind in ClauseRegistry.Default.Kinds.OrderBy(k => k.Keyword, StringComparer.Ordinal))
        {
            data.Add(kind.Keyword);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ClauseKeywords))]
    public void Clause_settings_table_matches_its_parameter_specs(string keyword)
    {
        var kind = ClauseRegistry.Default.Find(keyword)!;
        var section = Section(LanguageLines(), keyword);
        Assert.True(section is not null, $"docs/language.md has no heading starting with `{keyword}` for the clause '{keyword}'.");
        var table = SettingsTable(section!);
        Assert.True(table is not null, $"The section `{keyword}` of docs/language.md has no settings table (a table whose first column is 'Setting').");

        var problems = new List<string>();
        var specKeys = kind.Parameters.Select(p => p.Key).ToList();
        var rowKeys = table!.Select(r => r.Key).ToList();
        foreach (var key in specKeys.Except(rowKeys))
        {
            problems.Add($"setting `{key}` is missing from the table");
        }
        foreach (var key in rowKeys.Except(specKeys))
        {
            problems.Add($"the table lists `{key}`, which is not a setting of '{keyword}'");
        }

        foreach (var spec in kind.Parameters)
        {
            var row = table.FirstOrDefault(r => r.Key == spec.Key);
            if (row is null)
            {
                continue;
            }
            string required = spec.Required ? "yes" : "no";
            if (row.Cell("Required") != required)
            {
                problems.Add($"`{spec.Key}`: Required is '{row.Cell("Required")}', the spec says '{required}'");
            }
            string range = RangeText(spec);
            if (row.Cell("Range") != range)
            {
                problems.Add($"`{spec.Key}`: Range is '{row.Cell("Range")}', the spec says '{range}'");
            }
            string workedOut = WorkedOutText(spec);
            if (row.Cell("Worked out") != workedOut)
            {
                problems.Add($"`{spec.Key}`: Worked out is '{row.Cell("Worked out")}', the spec says '{workedOut}'");
            }
            foreach (var option in spec.Options ?? Array.Empty<string>())
            {
                if (!row.Cell("Takes").Contains($"`{option}`", StringComparison.Ordinal) && !row.Cell("Meaning").Contains($"`{option}`", StringComparison.Ordinal))
                {
                    problems.Add($"`{spec.Key}`: the choice `{option}` is not named in the row");
                }
            }
            if (row.Cell("Takes").Length == 0 || row.Cell("Meaning").Length == 0)
            {
                problems.Add($"`{spec.Key}`: Takes and Meaning must not be empty");
            }
        }

        foreach (var output in OutputsOf(kind))
        {
            if (!section!.Contains($"`{output}`", StringComparison.Ordinal))
            {
                problems.Add($"the value `{output}` that '{keyword}' defines is not named in its section");
            }
        }
        Assert.True(problems.Count == 0, $"docs/language.md, clause '{keyword}':\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Every_column_type_and_function_is_documented()
    {
        var text = File.ReadAllText(LanguagePath);
        var data = Section(LanguageLines(), "data");
        Assert.True(data is not null, "docs/language.md has no section `data`.");
        var missingTypes = DeclaredTypes.ByName.Keys.Where(t => !data!.Contains($"| `{t}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missingTypes.Count == 0, "Types missing from the table of the `data` section: " + string.Join(", ", missingTypes));
        var missingFunctions = ExpressionBinder.FunctionNames.Where(f => !text.Contains($"`{f}(", StringComparison.Ordinal)).ToList();
        Assert.True(missingFunctions.Count == 0, "Functions not documented in docs/language.md: " + string.Join(", ", missingFunctions));
    }

    // ---- (c) language.md: the examples parse ---------------------------------------------------------------------

    [Fact]
    public void Every_vbc_block_is_a_contract_that_parses_and_checks()
    {
        var blocks = FencedBlocks(File.ReadAllText(LanguagePath)).Where(b => b.Info == "vbc").ToList();
        Assert.NotEmpty(blocks);
        var problems = new List<string>();
        foreach (var block in blocks)
        {
            var parsed = ContractParser.Parse(block.Text, $"docs/language.md:{block.Line}");
            var errors = parsed.Diagnostics.Where(d => d.IsError).ToList();
            if (errors.Count == 0)
            {
                errors = Binder.Bind(parsed).Diagnostics.Where(d => d.IsError).ToList();
            }
            problems.AddRange(errors.Select(e => $"block at line {block.Line}: {e}"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_vbc_fragment_parses_inside_a_block()
    {
        var blocks = FencedBlocks(File.ReadAllText(LanguagePath)).Where(b => b.Info == "vbc-fragment").ToList();
        Assert.True(blocks.Count > 20, $"Only {blocks.Count} ```vbc-fragment blocks found in docs/language.md.");
        var problems = new List<string>();
        foreach (var block in blocks)
        {
            var parsed = ContractParser.Parse("fragment {\n" + block.Text + "\n}\n", $"docs/language.md:{block.Line}");
            problems.AddRange(parsed.Diagnostics.Where(d => d.IsError).Select(e => $"fragment at line {block.Line}: {e.Message}"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Code_blocks_use_only_known_markers()
    {
        // A typo such as ```vcb would silently escape the checks above.
        var known = new[] { "vbc", "vbc-fragment", "text", "" };
        var unknown = FencedBlocks(File.ReadAllText(LanguagePath)).Where(b => !known.Contains(b.Info)).Select(b => $"line {b.Line}: ```{b.Info}").ToList();
        Assert.True(unknown.Count == 0, "Code blocks with an unknown marker in docs/language.md: " + string.Join(", ", unknown));
    }

    // ---- the catalogs --------------------------------------------------------------------------------------------

    /// <summary>"VBC" and four digits inside string literals of src/**/Diagnostics/*.cs and src/Vbc.Engine/Data/DataDiagnostics.cs.</summary>
    private static HashSet<string> CatalogCodes()
    {
        var src = Golden.PathOf("src");
        var files = Directory.GetDirectories(src, "Diagnostics", SearchOption.AllDirectories)
            .Where(d => !IsBuildOutput(d))
            .SelectMany(d => Directory.GetFiles(d, "*.cs"))
            .Append(Golden.PathOf("src", "Vbc.Engine", "Data", "DataDiagnostics.cs"))
            .Distinct()
            .ToList();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var literal in CSharpStrings.Literals(File.ReadAllText(file)))
            {
                foreach (Match m in Regex.Matches(literal, @"VBC\d{4}"))
                {
                    codes.Add(m.Value);
                }
            }
        }
        return codes;
    }

    private static bool IsBuildOutput(string path)
    {
        var parts = path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return parts.Contains("bin") || parts.Contains("obj");
    }

    /// <summary>The severity each catalog method gives by default, found by calling it with placeholder arguments.</summary>
    private static IEnumerable<(string Code, Severity Severity)> CatalogSeverities()
    {
        var assemblies = new[] { typeof(BindingDiagnostics).Assembly, typeof(Vbc.Data.DataDiagnostics).Assembly };
        var catalogs = assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.IsPublic && t.IsAbstract && t.IsSealed && t.Name.EndsWith("Diagnostics", StringComparison.Ordinal));
        foreach (var method in catalogs.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)).Where(m => m.ReturnType == typeof(Diagnostic)))
        {
            var args = method.GetParameters().Select(Placeholder).ToArray();
            if (args.Any(a => a is Unknown))
            {
                continue;
            }
            Diagnostic? diagnostic;
            try
            {
                diagnostic = (Diagnostic?)method.Invoke(null, args);
            }
            catch (TargetInvocationException)
            {
                continue;
            }
            if (diagnostic is not null)
            {
                yield return (diagnostic.Code, diagnostic.Severity);
            }
        }
    }

    private sealed class Unknown
    {
    }

    private static object? Placeholder(ParameterInfo p)
    {
        if (p.HasDefaultValue)
        {
            return p.DefaultValue;
        }
        var t = p.ParameterType;
        if (t == typeof(string))
        {
            return "x";
        }
        if (t == typeof(int))
        {
            return 1;
        }
        if (t == typeof(long))
        {
            return 1L;
        }
        if (t == typeof(decimal))
        {
            return 1m;
        }
        if (t == typeof(Severity))
        {
            return Severity.Error;
        }
        if (t == typeof(SourceText))
        {
            return SourceText.From("contract \"x\" {\n}\n", "x.vbc");
        }
        if (t == typeof(TextSpan))
        {
            return new TextSpan(0, 1);
        }
        if (t == typeof(Location))
        {
            return new Location("x.vbc", 1, 1);
        }
        if (t.IsGenericType && t.GetGenericArguments().Length == 1 && t.IsAssignableFrom(t.GetGenericArguments()[0].MakeArrayType()))
        {
            return Array.CreateInstance(t.GetGenericArguments()[0], 0);
        }
        return new Unknown();
    }

    // ---- reading the documents -----------------------------------------------------------------------------------

    private sealed record DiagnosticSection(string Code, string Body);

    private static List<DiagnosticSection> DiagnosticSections()
    {
        var lines = File.ReadAllLines(DiagnosticsPath);
        var sections = new List<DiagnosticSection>();
        string? code = null;
        var body = new StringBuilder();
        bool inFence = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            var heading = inFence ? null : Regex.Match(line, @"^## (VBC\d{4})\b");
            if (heading is { Success: true } || (!inFence && line.StartsWith("#", StringComparison.Ordinal)))
            {
                if (code is not null)
                {
                    sections.Add(new DiagnosticSection(code, body.ToString()));
                }
                code = heading is { Success: true } ? heading.Groups[1].Value : null;
                body.Clear();
                continue;
            }
            body.Append(line).Append('\n');
        }
        if (code is not null)
        {
            sections.Add(new DiagnosticSection(code, body.ToString()));
        }
        return sections;
    }

    private static string[] LanguageLines() => File.ReadAllLines(LanguagePath);

    /// <summary>The text of the section whose heading starts with `keyword`, up to the next heading of the same or a higher level.</summary>
    private static string? Section(string[] lines, string keyword)
    {
        int start = -1, level = 0;
        bool inFence = false;
        var body = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            var heading = inFence ? Match.Empty : Regex.Match(line, @"^(#{2,4}) (.*)$");
            if (start < 0)
            {
                if (heading.Success && heading.Groups[2].Value.StartsWith($"`{keyword}`", StringComparison.Ordinal))
                {
                    start = i;
                    level = heading.Groups[1].Value.Length;
                }
                continue;
            }
            if (heading.Success && heading.Groups[1].Value.Length <= level)
            {
                break;
            }
            body.Append(line).Append('\n');
        }
        return start < 0 ? null : body.ToString();
    }

    private sealed record SettingRow(string Key, IReadOnlyDictionary<string, string> Cells)
    {
        public string Cell(string column) => Cells.TryGetValue(column, out var v) ? v : "";
    }

    /// <summary>The rows of the first table in the section whose first column is headed 'Setting'.</summary>
    private static List<SettingRow>? SettingsTable(string section)
    {
        var lines = section.Split('\n');
        int headerAt = Array.FindIndex(lines, l => l.StartsWith("| Setting |", StringComparison.Ordinal));
        if (headerAt < 0)
        {
            return null;
        }
        var header = Cells(lines[headerAt]);
        var rows = new List<SettingRow>();
        for (int i = headerAt + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            var cells = Cells(lines[i]);
            var byColumn = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int c = 0; c < header.Count && c < cells.Count; c++)
            {
                byColumn[header[c]] = cells[c];
            }
            var key = Regex.Match(cells.FirstOrDefault() ?? "", @"^`([^`]+)`$");
            rows.Add(new SettingRow(key.Success ? key.Groups[1].Value : cells.FirstOrDefault() ?? "", byColumn));
        }
        return rows;
    }

    private static List<string> Cells(string row) =>
        row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();

    private sealed record FencedBlock(string Info, string Text, int Line);

    /// <summary>Fenced code blocks (```info ... ```), with their indentation removed.</summary>
    private static List<FencedBlock> FencedBlocks(string markdown)
    {
        var blocks = new List<FencedBlock>();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (!trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }
            int indent = lines[i].Length - trimmed.Length;
            string info = trimmed[3..].Trim();
            int start = i + 1;
            var text = new StringBuilder();
            for (i = start; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
            {
                var line = lines[i];
                text.Append(line.Length >= indent && string.IsNullOrWhiteSpace(line[..indent]) ? line[indent..] : line.TrimStart()).Append('\n');
            }
            blocks.Add(new FencedBlock(info, text.ToString(), start));
        }
        return blocks;
    }

    // ---- the specs, as the tables write them ---------------------------------------------------------------------

    /// <summary>The Range column: "any", "0% to 100%", "$0 or more", "$0 PMPM or more", "1900 to 2200", "up to 10".</summary>
    internal static string RangeText(ParameterSpec spec)
    {
        string Show(decimal v)
        {
            if (ReferenceEquals(spec.Type, TypeExpectation.Percent))
            {
                return (v * 100).ToString("#,##0.##", CultureInfo.InvariantCulture) + "%";
            }
            if (ReferenceEquals(spec.Type, TypeExpectation.Pmpm))
            {
                return "$" + v.ToString("#,##0.##", CultureInfo.InvariantCulture) + " PMPM";
            }
            if (ReferenceEquals(spec.Type, TypeExpectation.Money) || ReferenceEquals(spec.Type, TypeExpectation.MoneyOrPmpm) || ReferenceEquals(spec.Type, TypeExpectation.MoneyOrPercentile))
            {
                return "$" + v.ToString("#,##0.##", CultureInfo.InvariantCulture);
            }
            if (ReferenceEquals(spec.Type, TypeExpectation.Year))
            {
                return v.ToString("0", CultureInfo.InvariantCulture);
            }
            return v.ToString("#,##0.##", CultureInfo.InvariantCulture);
        }
        return (spec.Min, spec.Max) switch
        {
            (null, null) => "any",
            ({ } lo, null) => $"{Show(lo)} or more",
            (null, { } hi) => $"up to {Show(hi)}",
            ({ } lo, { } hi) => $"{Show(lo)} to {Show(hi)}",
        };
    }

    internal static string WorkedOutText(ParameterSpec spec) => spec.Level switch
    {
        EvaluationLevel.Member => "per member",
        EvaluationLevel.Constant => "written in the contract",
        _ => "once",
    };

    /// <summary>Every value the kind can define: its outputs for a block that has every one of its settings.</summary>
    private static IEnumerable<string> OutputsOf(IClauseKind kind)
    {
        var text = $"{kind.Keyword} {{\n{string.Join("\n", kind.Parameters.Select(p => $"  {p.Key}: 1"))}\n}}\n";
        var parsed = ContractParser.Parse(text, "outputs.vbc");
        Assert.True(!parsed.HasErrors && parsed.Root.Blocks.Count == 1, $"Cannot build a '{kind.Keyword}' block with all its settings:\n{text}\n{string.Join("\n", parsed.Diagnostics)}");
        return kind.DeclareOutputs(parsed.Root.Blocks[0], null).Select(o => o.Name).ToList();
    }
}

/// <summary>
/// Finds the string literals in C# source text, skipping comments and character literals. Handles regular,
/// verbatim (@"") and interpolated ($"") strings, with strings nested in interpolation holes. Enough for our
/// diagnostic catalogs, not a full C# lexer.
/// </summary>
internal static class CSharpStrings
{
    public static List<string> Literals(string code)
    {
        var found = new List<string>();
        int i = 0;
        Scan(code, ref i, found, stopAtBrace: false);
        return found;
    }

    private static void Scan(string code, ref int i, List<string> found, bool stopAtBrace)
    {
        int depth = 0;
        while (i < code.Length)
        {
            char c = code[i];
            char next = i + 1 < code.Length ? code[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                while (i < code.Length && code[i] != '\n')
                {
                    i++;
                }
                continue;
            }
            if (c == '/' && next == '*')
            {
                int end = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? code.Length : end + 2;
                continue;
            }
            if (c == '\'')
            {
                i++;
                while (i < code.Length && code[i] != '\'' && code[i] != '\n')
                {
                    i += code[i] == '\\' ? 2 : 1;
                }
                i++;
                continue;
            }
            if (c == '"' || ((c == '$' || c == '@') && (next == '"' || ((next == '$' || next == '@') && i + 2 < code.Length && code[i + 2] == '"'))))
            {
                found.Add(ReadString(code, ref i, found));
                continue;
            }
            if (stopAtBrace)
            {
                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}')
                {
                    if (depth == 0)
                    {
                        return; // the end of an interpolation hole; the caller consumes the brace
                    }
                    depth--;
                }
            }
            i++;
        }
    }

    private static string ReadString(string code, ref int i, List<string> found)
    {
        bool interpolated = false, verbatim = false;
        while (code[i] != '"')
        {
            interpolated |= code[i] == '$';
            verbatim |= code[i] == '@';
            i++;
        }
        i++; // the opening quote
        var text = new StringBuilder();
        while (i < code.Length)
        {
            char c = code[i];
            char next = i + 1 < code.Length ? code[i + 1] : '\0';
            if (c == '"')
            {
                if (verbatim && next == '"')
                {
                    text.Append('"');
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            if (!verbatim && c == '\\')
            {
                text.Append(c).Append(next);
                i += 2;
                continue;
            }
            if (!verbatim && c == '\n')
            {
                break; // an unclosed regular string: stop at the end of the line
            }
            if (interpolated && c == '{')
            {
                if (next == '{')
                {
                    text.Append('{');
                    i += 2;
                    continue;
                }
                i++;
                Scan(code, ref i, found, stopAtBrace: true);
                i++; // the closing brace of the hole
                text.Append("{...}");
                continue;
            }
            if (interpolated && c == '}' && next == '}')
            {
                text.Append('}');
                i += 2;
                continue;
            }
            text.Append(c);
            i++;
        }
        return text.ToString();
    }
}
