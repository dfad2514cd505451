using System.Text;
using Vbc.Clauses;
using Vbc.Evaluation;
using Vbc.Operators;
using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.LanguageServer.Features;

/// <summary>The Markdown texts hover and completion show, written from the clause specs and the bound symbols.</summary>
internal static class Describe
{
    public static string Clause(IClauseKind kind, BoundClause? clause = null)
    {
        var text = new StringBuilder();
        text.Append("**").Append(kind.Keyword).Append("** (clause)\n\n").Append(kind.Summary).Append('\n');
        if (kind.Requires.Count > 0)
        {
            text.Append("\nNeeds: ").Append(string.Join(", ", kind.Requires.Select(r => $"`{r}`"))).Append('\n');
        }
        if (kind.Parameters.Count > 0)
        {
            text.Append("\nSettings:\n");
            foreach (var p in kind.Parameters)
            {
                text.Append("- `").Append(p.Key).Append('`').Append(p.Required ? " (required)" : "").Append(": ").Append(FirstSentence(p.Doc)).Append('\n');
            }
        }
        if (clause is { Outputs.Count: > 0 })
        {
            text.Append("\nValues it defines: ").Append(string.Join(", ", clause.Outputs.Select(o => $"`{o.Name}`"))).Append('\n');
        }
        if (kind.ChildKinds.Count > 0)
        {
            text.Append("\nMay hold: ").Append(string.Join(", ", kind.ChildKinds.Select(k => $"`{k}`"))).Append('\n');
        }
        return text.ToString();
    }

    public static string Setting(IClauseKind kind, ParameterSpec spec)
    {
        var text = new StringBuilder();
        text.Append("**").Append(spec.Key).Append("** (setting of `").Append(kind.Keyword).Append("`").Append(spec.Required ? ", required" : "").Append(")\n\n");
        text.Append(spec.Doc).Append("\n\n");
        text.Append("Takes ").Append(Takes(spec)).Append(", worked out ").Append(spec.IsPerMember ? "per member" : "once").Append('.');
        if (spec.Min is not null || spec.Max is not null)
        {
            text.Append(" Range: ").Append(Display.Bounds(spec.Min, spec.Max, ShownAs(spec.Type))).Append('.');
        }
        text.Append("\n\nExample: `").Append(spec.Key).Append(": ").Append(spec.Example).Append('`');
        return text.ToString();
    }

    /// <summary>How a setting's bounds are written: a percent setting's 1 is 100%, a money setting's is $1.00.</summary>
    private static ValueType ShownAs(TypeExpectation type) =>
        type == TypeExpectation.Percent ? ValueType.Percent
        : type == TypeExpectation.Money ? ValueType.Money
        : type == TypeExpectation.Ratio ? ValueType.Ratio
        : type == TypeExpectation.Count ? ValueType.Count
        : ValueType.Number;

    public static string Takes(ParameterSpec spec) => spec.Shape switch
    {
        ParameterShape.Option => "one of " + string.Join(", ", (spec.Options ?? Array.Empty<string>()).Select(o => $"`{o}`")),
        ParameterShape.List => "a list of " + spec.Type.Description,
        ParameterShape.Range => "a range of " + spec.Type.Description,
        ParameterShape.Table => "a table",
        ParameterShape.ExpressionOrTable => spec.Type.Description + " or a table",
        _ => spec.Type.Description,
    };

    public static string Symbol(Symbol symbol, int? declaredLine)
    {
        var text = new StringBuilder();
        text.Append("**").Append(symbol.Name).Append("**: ").Append(Role(symbol)).Append(", ").Append(TypeOf(symbol)).Append("\n\n");
        switch (symbol)
        {
            case ColumnSymbol column:
                text.Append("A column of the member-level data, declared as `").Append(column.Name).Append(": ").Append(column.DeclaredType)
                    .Append("`. Worked out per member.");
                break;
            case InputSymbol input:
                text.Append("Given when the contract is settled: `--input ").Append(input.Name).Append("=...` or a column of an inputs file. Declared as `")
                    .Append(input.DeclaredType).Append("`.");
                break;
            case ValueSymbol value:
                text.Append("A named value, worked out ").Append(LevelText(value.Level)).Append('.');
                if (value.Expression is { } e && Evaluator.TryConstant(e) is { } constant)
                {
                    text.Append("\n\nValue: `").Append(Display.Format(constant, value.Type)).Append('`');
                }
                break;
            case OutputSymbol output:
                text.Append(output.Description).Append(" Computed by `").Append(output.Producer.Title).Append("` when the contract is settled.");
                break;
            case BuiltInSymbol builtIn:
                text.Append(builtIn.Description);
                break;
        }
        if (declaredLine is { } line)
        {
            text.Append("\n\nDeclared on line ").Append(line).Append('.');
        }
        return text.ToString();
    }

    public static string Role(Symbol symbol) => symbol switch
    {
        ColumnSymbol => "column",
        InputSymbol => "input",
        ValueSymbol => "value",
        OutputSymbol => "value computed by a clause",
        _ => "built-in value",
    };

    public static string TypeOf(Symbol symbol) => symbol switch
    {
        ColumnSymbol c => c.Type.IsError ? c.DeclaredType : $"{c.Type.DisplayName}",
        InputSymbol i => i.Type.IsError ? i.DeclaredType : $"{i.Type.DisplayName}",
        _ => symbol.Type.IsError ? "type unknown (it has an error)" : symbol.Type.DisplayName,
    };

    public static string LevelText(EvaluationLevel level) => level switch
    {
        EvaluationLevel.Constant => "from the contract text alone",
        EvaluationLevel.Run => "once per run, from inputs",
        EvaluationLevel.Total => "once, from totals",
        _ => "per member",
    };

    public static string TypeWord(string word) => word.ToLowerInvariant() switch
    {
        "id" => "**id**: the member's (or episode's) id; exactly one column must have this type.",
        "member_months" => "**member_months**: months the member was enrolled in the performance year, 0 to 12.",
        "money" => "**money**: dollars, such as `1234.56` or `$1,234.56`.",
        "pmpm" => "**pmpm**: dollars per member per month.",
        "percent" => "**percent**: a rate, such as `92%` or the fraction `0.92`.",
        "ratio" => "**ratio**: a ratio, such as a risk score `1.025`.",
        "number" => "**number**: any other number.",
        "count" => "**count**: a whole number, such as a quality numerator.",
        "year" => "**year**: a year, such as `2024`.",
        "flag" => "**flag**: yes or no (`1`/`0`, `true`/`false`, `yes`/`no`).",
        "text" => "**text**: any text, such as an episode type.",
        "date" => "**date**: a date, such as `2024-12-31`.",
        _ => $"**{word}**",
    };

    public static string Declarations(string block) => block switch
    {
        "data" => "**data**: the columns of the member-level data file, each with its type (`member_id: id`).",
        "inputs" => "**inputs**: values given when the contract is settled (`--input NAME=VALUE` or an inputs file), each with its type.",
        "plugins" => "**plugins**: clause kinds written as C# scripts, each named with its script and, to pin its source, its SHA-256 (docs/plugins.md).",
        _ => "**values**: named values, a name for an expression used elsewhere in the contract.",
    };

    /// <summary>A built-in function, in its definition's own words (src/Vbc.Core/Operators).</summary>
    public static string? Function(string name) =>
        Definitions.TryFunction(name, out var f) ? $"**{f.Name}**({f.Parameters}): {f.Meaning}." : null;

    public static string FirstSentence(string doc)
    {
        int end = doc.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? doc : doc[..(end + 1)];
    }
}
