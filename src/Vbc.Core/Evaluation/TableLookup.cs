using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Evaluation;

/// <summary>A table row with its key and result computed: a key value or a key range, a result or a range to interpolate.</summary>
public sealed record PreparedRow(
    Value? Key,
    decimal? Low,
    bool LowInclusive,
    decimal? High,
    bool HighInclusive,
    Value? Result,
    decimal? ResultAtLow,
    decimal? ResultAtHigh,
    TextSpan Span)
{
    public bool Holds(decimal x) =>
        (Low is null || (LowInclusive ? x >= Low : x > Low)) && (High is null || (HighInclusive ? x <= High : x < High));

    /// <summary>The row's result at x: its value, or the linear interpolation across the key range.</summary>
    public decimal NumberAt(decimal x)
    {
        if (Result is { } r)
        {
            return r.Number;
        }
        return Operators.Arithmetic.Interpolate(x, Low!.Value, High!.Value, ResultAtLow!.Value, ResultAtHigh!.Value);
    }

    /// <summary>"5,000 to 5,999" style text of the key range, for statements.</summary>
    public string DescribeKey(Func<decimal, string> format) => Key is { } k ? k.ToString() : (Low, High) switch
    {
        (null, { } h) => HighInclusive ? $"up to {format(h)}" : $"below {format(h)}",
        ({ } l, null) => LowInclusive ? $"{format(l)} and above" : $"above {format(l)}",
        ({ } l, { } h) => $"{format(l)} to {format(h)}",
        _ => "any value",
    };
}

/// <summary>A table whose rows are computed, ready for lookups (MSR by population size, target price by episode type).</summary>
public sealed class PreparedTable
{
    public PreparedTable(IReadOnlyList<PreparedRow> rows)
    {
        Rows = rows;
    }

    public IReadOnlyList<PreparedRow> Rows { get; }

    /// <summary>The first row whose key holds the value; null if none does.</summary>
    public PreparedRow? RowFor(Value key)
    {
        foreach (var row in Rows)
        {
            if (row.Key is { } k ? Evaluator.Compare(BinaryOperator.Equal, k, key) : key.Kind == ValueKind.Number && row.Holds(key.Number))
            {
                return row;
            }
        }
        return null;
    }

    private static string Describe(Value key) => key.Kind switch
    {
        ValueKind.Number => key.Number.ToString("#,##0.######", System.Globalization.CultureInfo.InvariantCulture),
        ValueKind.Text => $"\"{key.Text}\"",
        _ => key.ToString(),
    };

    public Value Find(Value key, TextSpan span)
    {
        var row = RowFor(key) ?? throw new EvaluationException(span,
            $"No row of the table holds {Describe(key)}: its rows cover {string.Join("; ", Rows.Select(r => r.DescribeKey(d => d.ToString("#,##0.######", System.Globalization.CultureInfo.InvariantCulture))))}. Add a row for it, or check the value it is looked up by.", Operators.RowProblem.NoTableRow);
        return row.Result is { } r && row.ResultAtLow is null ? r : Value.Of(row.NumberAt(key.Number));
    }
}

public static class TableLookup
{
    public static PreparedTable Prepare(BoundTable table, Func<BoundExpression, Value> evaluate)
    {
        var rows = new List<PreparedRow>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            Value? key = row.KeyValue is { } kv ? evaluate(kv) : null;
            decimal? low = null, high = null;
            bool lowInclusive = true, highInclusive = true;
            if (row.KeyRange is { } range)
            {
                low = range.Low is { } l ? evaluate(l).Number : null;
                high = range.High is { } h ? evaluate(h).Number : null;
                lowInclusive = range.Form != RangeForm.Above;
                highInclusive = range.Form != RangeForm.Below;
            }
            Value? result = row.Result is { } r ? evaluate(r) : null;
            decimal? atLow = null, atHigh = null;
            if (row.ResultRange is { Low: { } rl, High: { } rh })
            {
                atLow = evaluate(rl).Number;
                atHigh = evaluate(rh).Number;
            }
            rows.Add(new PreparedRow(key, low, lowInclusive, high, highInclusive, result, atLow, atHigh, row.Span));
        }
        return new PreparedTable(rows);
    }
}
