using System.Text;
using Vbc.Data;
using Vbc.Evaluation;
using Vbc.MemberLevel;
using Vbc.MemberStage;
using Vbc.Operators;
using RowProblem = Vbc.Operators.RowProblem;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Text;

namespace Vbc.Tests.Expressions;

/// <summary>A case bound as a backend sees it: the error codes on the expression's lines, and the expression if it bound.</summary>
public sealed record BoundCase(IReadOnlyList<string> ErrorCodes, BoundExpression? Expression, BoundContract Contract, string? TypeName);

/// <summary>
/// One way to work out an expression: the scalar evaluator, the member-level kernels, and later the SQL backends.
/// Each binds the case through the real parser and binder (vbc check's path) and runs every row.
/// </summary>
public interface IExpressionBackend
{
    string Name { get; }

    BoundCase Bind(ExpressionCase c);

    /// <summary>The outcome of each row, in order.</summary>
    IReadOnlyList<Outcome> Run(ExpressionCase c, BoundCase bound);
}

/// <summary>Writes the contract that holds a case: its names declared as inputs (totals) or as data columns (per member).</summary>
internal static class CaseContract
{
    public const string ValueName = "expression_under_test";

    /// <summary>The contract's text and the line (1-based) where the expression starts.</summary>
    public static (string Text, int Line) Write(ExpressionCase c, bool namesAreColumns)
    {
        var text = new StringBuilder();
        text.Append("contract \"Expression test\" {\n  period: 2024-01-01 to 2024-12-31\n}\n\n");
        var declared = c.Names.Select(n => $"  {n.Name}: {n.TypeWord}\n");
        if (namesAreColumns && !c.IsTable)
        {
            text.Append("data {\n  row_id: id\n").Append(string.Concat(declared)).Append("}\n\n");
        }
        else if (c.Names.Count > 0)
        {
            text.Append("inputs {\n").Append(string.Concat(declared)).Append("}\n\n");
        }
        if (!c.IsTable)
        {
            text.Append("values {\n  ").Append(ValueName).Append(": ");
            int valueLine = text.ToString().Count(ch => ch == '\n') + 1;
            text.Append(c.Expression).Append("\n}\n");
            return (text.ToString(), valueLine);
        }
        // A lookup is hosted in a setting that takes a table, looked up by an input. Text keys: a bundle's target price;
        // number keys: a minimum savings rate, whose rows may interpolate.
        bool textKey = c.Names.Count == 1 && c.Names[0].Type.Kind == ValueKind.Text;
        if (textKey)
        {
            text.Append("data {\n  episode_id: id\n  episode_type: text\n  episode_cost: money\n}\n\n");
            text.Append("bundle \"Host\" {\n  episode type: episode_type\n  actual cost: episode_cost\n  target price: ");
        }
        else
        {
            text.Append("data {\n  member_id: id\n  member_months: member_months\n  medical: money\n}\n\n");
            text.Append("cost {\n  categories: medical\n}\n\nbenchmark {\n  base: $100.00 PMPM\n}\n\n");
            text.Append("shared savings {\n  rate: 50%\n  minimum savings rate: ");
        }
        int line = text.ToString().Count(ch => ch == '\n') + 1;
        text.Append(c.Expression).Append("\n}\n");
        return (text.ToString(), line);
    }

    public static BoundCase Bind(ExpressionCase c, bool namesAreColumns)
    {
        var (text, line) = Write(c, namesAreColumns);
        var contract = Binder.Bind(ContractParser.Parse(text, $"{c.File}:{c.Line}"));
        int lastLine = line + c.Expression.Count(ch => ch == '\n');
        var codes = contract.Diagnostics
            .Where(d => d.IsError && d.Location.Line >= line && d.Location.Line <= lastLine)
            .Select(d => d.Code).Distinct().Order(StringComparer.Ordinal).ToList();
        var expression = Find(c, contract);
        return new BoundCase(codes, expression is { } e && !e.HasErrors() ? e : null, contract, expression?.Type.DisplayName);
    }

    private static BoundExpression? Find(ExpressionCase c, BoundContract contract)
    {
        if (!c.IsTable)
        {
            return contract.Values.FirstOrDefault(v => v.Name == ValueName)?.Expression;
        }
        return contract.Clauses
            .SelectMany(clause => clause.Settings.Values)
            .OfType<BoundExpressionSetting>()
            .Select(s => s.Expression)
            .OfType<BoundTableLookup>()
            .FirstOrDefault();
    }

    /// <summary>What an input or a value is during a run: inputs from the row, values worked out from their expressions.</summary>
    public static Func<Symbol, Value> Resolver(ExpressionCase c, IReadOnlyList<Value> row)
    {
        Value Resolve(Symbol symbol) => symbol switch
        {
            ValueSymbol { Expression: { } e } => Evaluator.Evaluate(e, Resolve),
            _ when Index(c, symbol.Name) is int k and >= 0 => row[k],
            _ => throw new InvalidOperationException($"{symbol.Name} has no value in the case."),
        };
        return Resolve;
    }

    public static int Index(ExpressionCase c, string name) =>
        c.Names.ToList().FindIndex(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The scalar evaluator: names are inputs, the expression is worked out once per row as a total is.</summary>
public sealed class ScalarBackend : IExpressionBackend
{
    public string Name => "scalar evaluator";

    public BoundCase Bind(ExpressionCase c) => CaseContract.Bind(c, namesAreColumns: false);

    public IReadOnlyList<Outcome> Run(ExpressionCase c, BoundCase bound) => c.Rows.Select(row =>
    {
        try
        {
            return Outcome.Of(Evaluator.Evaluate(bound.Expression!, CaseContract.Resolver(c, row.Values)));
        }
        catch (EvaluationException e) when (e.Problem != RowProblem.None)
        {
            return Outcome.Of(e.Problem);
        }
    }).ToList();
}

/// <summary>
/// The member-level kernels: names are data columns, every row of the case is one row of a single batch (so a problem
/// on one row must not leak into another), and the expression is compiled as the member-level stage compiles it.
/// </summary>
public sealed class KernelBackend : IExpressionBackend
{
    public string Name => "member-level kernels";

    public BoundCase Bind(ExpressionCase c) => CaseContract.Bind(c, namesAreColumns: true);

    public IReadOnlyList<Outcome> Run(ExpressionCase c, BoundCase bound)
    {
        var expression = bound.Expression!;
        var columns = new Dictionary<ColumnSymbol, int>();
        var symbols = new List<ColumnSymbol>();
        if (expression is BoundTableLookup lookup)
        {
            // The language looks tables up by a per-member text column (target price) or by an input (minimum savings
            // rate). Lowered here to a lookup by a column, as the member-level stage runs it, for both kinds of key.
            var name = c.Names[0];
            var column = new ColumnSymbol(name.Name, name.Type, name.TypeWord, default);
            expression = lookup with { Key = new BoundName(column, lookup.Key.Syntax), Level = EvaluationLevel.Member };
            symbols.Add(column);
        }
        else
        {
            symbols.AddRange(bound.Contract.Columns.Where(col => CaseContract.Index(c, col.Name) >= 0));
        }
        var arrays = new Array[symbols.Count];
        for (int k = 0; k < symbols.Count; k++)
        {
            columns[symbols[k]] = k;
            int index = CaseContract.Index(c, symbols[k].Name);
            var values = c.Rows.Select(r => r.Values[index]).ToList();
            arrays[k] = ColumnSpec.From(symbols[k]).Storage switch
            {
                ColumnStorage.Decimal => values.Select(v => v.Number).ToArray(),
                ColumnStorage.Flag => values.Select(v => v.Flag).ToArray(),
                ColumnStorage.Text => values.Select(v => v.Text).ToArray(),
                _ => values.Select(v => v.Date).ToArray(),
            };
        }
        var compiler = new KernelCompiler(columns.ToDictionary(k => k.Key.Name, k => k.Value));
        int n = c.Rows.Count;
        Vector result;
        IReadOnlyList<Vbc.MemberLevel.RowProblem> problems;
        try
        {
            // Lowered as the member-level stage lowers it: values that do not depend on the row are folded first.
            var lowered = MemberLevelLowering.LowerExpression(expression, bound.Contract.Source, CaseContract.Resolver(c, []));
            problems = MemberLevelLowering.ProblemsOf(lowered);
            result = compiler.Compile(lowered).Evaluate(new ColumnBatch(0, n, 1, Enumerable.Range(2, n).Select(i => (long)i).ToArray(), arrays));
        }
        catch (EvaluationException e) when (e.Problem != RowProblem.None && expression.Level != EvaluationLevel.Member)
        {
            // An expression without a column is worked out once, before any row, by the evaluator.
            return c.Rows.Select(_ => Outcome.Of(e.Problem)).ToList();
        }
        var outcomes = new List<Outcome>();
        for (int i = 0; i < n; i++)
        {
            int error = result.ErrorAt(i);
            if (error != 0)
            {
                outcomes.Add(Outcome.Of(Classify(problems.Single(p => p.Number == error))));
                continue;
            }
            outcomes.Add(Outcome.Of(expression.Type.Kind switch
            {
                ValueKind.Flag => Value.Of(result.FlagAt(i)),
                ValueKind.Text => Value.Of(result.TextAt(i)),
                ValueKind.Date => Value.Of(result.DateAt(i)),
                _ => Value.Of(result.NumberAt(i)),
            }));
        }
        return outcomes;
    }

    /// <summary>Which problem a kernel met: the IR node the kernel's error number names, by its kind.</summary>
    private static RowProblem Classify(Vbc.MemberLevel.RowProblem problem) => problem.Kind is RowProblem.CarveOutOutsideCategory or RowProblem.NotAboveZero
        ? throw new InvalidOperationException($"An expression met a row problem of the stage, not of an operator: {problem.Kind}")
        : problem.Kind;
}
