using System.Globalization;
using System.Text;
using Vbc.Operators;
using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Expressions;

/// <summary>A name the case's expression reads, with the contract's type word for it (money, number, date...).</summary>
public sealed record CaseName(string Name, string TypeWord)
{
    public ValueType Type => DeclaredTypes.ByName[TypeWord];
}

/// <summary>What one row must give: a value, or a row problem.</summary>
public readonly record struct Outcome(Value? Value, RowProblem Problem)
{
    public static Outcome Of(Value value) => new(value, RowProblem.None);

    public static Outcome Of(RowProblem problem) => new(null, problem);

    /// <summary>Numbers are equal by value (1.0 = 1.00): a backend may keep other trailing zeros.</summary>
    public bool Matches(Outcome other) => Problem == other.Problem && (Value, other.Value) switch
    {
        (null, null) => true,
        ({ } a, { } b) => a.Kind == b.Kind && Comparison.Order(a, b) == 0,
        _ => false,
    };

    public override string ToString() => Problem != RowProblem.None ? "problem " + ExpressionFile.ProblemWord(Problem) : ExpressionFile.Format(Value!.Value);
}

public sealed record CaseRow(IReadOnlyList<Value> Values, Outcome Expected, int Line);

/// <summary>One case of an expression file: see tests/expressions/README.md.</summary>
public sealed record ExpressionCase(
    string File,
    int Line,
    string Expression,
    IReadOnlyList<CaseName> Names,
    string? Type,
    IReadOnlyList<string> Errors,
    IReadOnlyList<CaseRow> Rows)
{
    /// <summary>A table lookup ('by key { rows }'), which backends host in a setting that takes a table.</summary>
    public bool IsTable => Expression.StartsWith("by ", StringComparison.Ordinal);

    public override string ToString() => $"{File}:{Line}";
}

/// <summary>Reads the expression test files of tests/expressions (the format is in their README.md).</summary>
public static class ExpressionFile
{
    public static IReadOnlyList<ExpressionCase> Parse(string file, string text)
    {
        var cases = new List<ExpressionCase>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (!line.StartsWith(">> ", StringComparison.Ordinal))
            {
                throw new FormatException($"{file}:{i + 1}: a case starts with '>> ' and an expression; found '{line}'.");
            }
            int start = i + 1;
            var expression = new StringBuilder(line[3..]);
            // A table's rows continue the expression on lines that start with spaces.
            while (i + 1 < lines.Length && lines[i + 1].StartsWith("  ", StringComparison.Ordinal))
            {
                expression.Append('\n').Append(lines[++i]);
            }
            var names = new List<CaseName>();
            string? type = null;
            var errors = new List<string>();
            var rows = new List<CaseRow>();
            while (i + 1 < lines.Length && lines[i + 1].Length > 0 && !lines[i + 1].StartsWith(">> ", StringComparison.Ordinal))
            {
                string l = lines[++i];
                if (l.StartsWith('#'))
                {
                    continue;
                }
                if (l.StartsWith("with ", StringComparison.Ordinal))
                {
                    foreach (var part in l[5..].Split(','))
                    {
                        var pieces = part.Split(':', 2, StringSplitOptions.TrimEntries);
                        if (pieces.Length != 2 || !DeclaredTypes.ByName.ContainsKey(pieces[1]))
                        {
                            throw new FormatException($"{file}:{i + 1}: 'with' lists names as 'name: type' (a contract's type word); found '{part.Trim()}'.");
                        }
                        names.Add(new CaseName(pieces[0], pieces[1]));
                    }
                    continue;
                }
                if (l.StartsWith("type ", StringComparison.Ordinal))
                {
                    type = l[5..].Trim();
                    continue;
                }
                int arrow = l.IndexOf("=>", StringComparison.Ordinal);
                if (arrow < 0)
                {
                    throw new FormatException($"{file}:{i + 1}: a row is 'values => expected'; found '{l}'.");
                }
                string expected = l[(arrow + 2)..].Trim();
                if (expected.StartsWith("error ", StringComparison.Ordinal))
                {
                    errors.AddRange(expected[6..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    continue;
                }
                var values = SplitValues(l[..arrow]).ToList();
                if (values.Count != names.Count)
                {
                    throw new FormatException($"{file}:{i + 1}: the row has {values.Count} values for {names.Count} names.");
                }
                var rowValues = values.Select((v, k) => ParseValue(v, names[k].Type, file, i + 1)).ToList();
                Outcome outcome = expected.StartsWith("problem ", StringComparison.Ordinal)
                    ? Outcome.Of(ParseProblem(expected[8..].Trim(), file, i + 1))
                    : Outcome.Of(ParseResult(expected, file, i + 1));
                rows.Add(new CaseRow(rowValues, outcome, i + 1));
            }
            if (rows.Count == 0 && errors.Count == 0)
            {
                throw new FormatException($"{file}:{start}: the case has no row and no error: it would test nothing.");
            }
            cases.Add(new ExpressionCase(file, start, expression.ToString(), names, type, errors, rows));
        }
        return cases;
    }

    private static IEnumerable<string> SplitValues(string text)
    {
        var current = new StringBuilder();
        bool quoted = false;
        foreach (char c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            if (c == ',' && !quoted)
            {
                yield return current.ToString().Trim();
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        if (current.ToString().Trim() is { Length: > 0 } last)
        {
            yield return last;
        }
    }

    private static Value ParseValue(string text, ValueType type, string file, int line) => type.Kind switch
    {
        ValueKind.Flag => text switch
        {
            "yes" => Value.Of(true),
            "no" => Value.Of(false),
            _ => throw new FormatException($"{file}:{line}: a yes/no value is 'yes' or 'no', not '{text}'."),
        },
        ValueKind.Text => text.Length >= 2 && text[0] == '"' && text[^1] == '"'
            ? Value.Of(text[1..^1])
            : throw new FormatException($"{file}:{line}: text is written in double quotes, not '{text}'."),
        ValueKind.Date => Value.Of(DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture)),
        _ => Value.Of(decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)),
    };

    /// <summary>An expected result: its kind is read from how it is written.</summary>
    private static Value ParseResult(string text, string file, int line)
    {
        if (text is "yes" or "no")
        {
            return Value.Of(text == "yes");
        }
        if (text.StartsWith('"'))
        {
            return ParseValue(text, ValueType.Text, file, line);
        }
        if (text.Length == 10 && text[4] == '-' && text[7] == '-')
        {
            return ParseValue(text, ValueType.Date, file, line);
        }
        return ParseValue(text, ValueType.Number, file, line);
    }

    private static readonly Dictionary<string, RowProblem> Problems = new()
    {
        ["division-by-zero"] = RowProblem.DivisionByZero,
        ["overflow"] = RowProblem.Overflow,
        ["clamp-reversed"] = RowProblem.ClampReversed,
        ["no-table-row"] = RowProblem.NoTableRow,
    };

    private static RowProblem ParseProblem(string text, string file, int line) =>
        Problems.TryGetValue(text, out var p) ? p : throw new FormatException($"{file}:{line}: unknown problem '{text}'; one of {string.Join(", ", Problems.Keys)}.");

    public static string ProblemWord(RowProblem problem) => Problems.First(p => p.Value == problem).Key;

    public static string Format(Value value) => value.Kind switch
    {
        ValueKind.Text => $"\"{value.Text}\"",
        _ => value.ToString(),
    };
}
