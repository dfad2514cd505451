using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Text;

namespace Vbc.Clauses.Authoring;

/// <summary>What a plug-in's own checks see at check time: which settings are written, their constant values, a way to report.</summary>
public sealed partial class CheckContext
{
    private readonly PluginClause _kind;
    private readonly BoundClause _clause;
    private readonly ClauseCheckContext _context;
    private readonly CallGate _gate;

    internal CheckContext(PluginClause kind, BoundClause clause, ClauseCheckContext context, CallGate gate)
    {
        _kind = kind;
        _clause = clause;
        _context = context;
        _gate = gate;
    }

    /// <summary>Whether the contract writes this setting.</summary>
    public bool Has(SettingDeclaration setting) => _gate.Pass(() => _clause.Has(setting.Key));

    /// <summary>The setting's value when it depends on the contract's text alone; null when it depends on inputs or data.</summary>
    public decimal? Constant(Setting<decimal> setting) => _gate.Pass(() => ClauseCheckContext.Constant(_clause.Expression(setting.Key)));

    /// <summary>The values of a list setting's items that depend on the contract's text alone (null for an item that depends on inputs).</summary>
    public IReadOnlyList<decimal?> Constants(ListSetting setting) => _gate.Pass(() =>
        (IReadOnlyList<decimal?>)_clause.List(setting.Key).Select(ClauseCheckContext.Constant).ToList());

    /// <summary>The number of rows the contract writes in a table setting (0 when it is not written).</summary>
    public int Rows(TableSetting setting) => _gate.Pass(() => _clause.Table(setting.Key)?.Rows.Count ?? 0);

    /// <summary>Reports one of the plug-in's own diagnostics at the setting (or at the clause when it is not written).</summary>
    public void Report(PluginCode code, SettingDeclaration? at, string message) => _gate.Pass(() =>
        _context.Report(PluginMessages.Make(_kind, code, Location.In(_context.Source, PluginMessages.SpanOf(_clause, at)), message)));
}

/// <summary>
/// What a plug-in's <c>Settle</c> sees: its settings' values (typed, range-checked), the member-level sums it declared,
/// member months, and the statement it writes to. It runs once per settlement.
/// </summary>
public sealed partial class SettleContext
{
    private readonly PluginClause _kind;
    private readonly BoundClause _clause;
    private readonly ISettlement _settlement;
    private readonly CallGate _gate;
    private readonly string _id;

    internal SettleContext(PluginClause kind, BoundClause clause, ISettlement settlement, CallGate gate)
    {
        _kind = kind;
        _clause = clause;
        _settlement = settlement;
        _gate = gate;
        _id = Clauses.BuiltIn.SettleHelpers.IdOf(clause);
    }

    /// <summary>The plug-in's own error, reported by the host once the plug-in's call has ended.</summary>
    internal Diagnostic? Failure { get; private set; }

    /// <summary>The clause's label in quotes (<c>quality points "Diabetes control"</c>), or null: names a repeatable clause's lines.</summary>
    public string? Label => _gate.Pass(() => _clause.Label);

    /// <summary>The performance year being settled.</summary>
    public int PerformanceYear => _gate.Pass(() => _settlement.PerformanceYear);

    /// <summary>The population's member months (from the data, or the cost clause's setting).</summary>
    public decimal MemberMonths => _gate.Pass(() => Clauses.BuiltIn.SettleHelpers.MemberMonthsOf(_settlement));

    /// <summary>The value of a number setting, checked against its declared range; when not written, the value it stands for then (<c>WhenAbsent</c>), else 0.</summary>
    public decimal Get(Setting<decimal> setting) => GetOptional(setting) ?? setting.Spec.Default ?? 0m;

    /// <summary>The value of a number setting, or null when the contract does not write it.</summary>
    public decimal? GetOptional(Setting<decimal> setting) => Evaluated(() =>
        _clause.Setting(setting.Key) is BoundExpressionSetting written ? InRange(written.Expression, written.Spec, $"'{setting.Key}' of {_clause.Title}") : (decimal?)null);

    /// <summary>The items of a list setting, in the order written, each checked against the declared range; empty when not written.</summary>
    public IReadOnlyList<decimal> Get(ListSetting setting) => Evaluated(() =>
        _clause.Setting(setting.Key) is BoundListSetting written
            ? written.Items.Select((item, i) => InRange(item, written.Spec, $"item {i + 1} of '{setting.Key}' of {_clause.Title}")).ToList()
            : (IReadOnlyList<decimal>)Array.Empty<decimal>());

    /// <summary>
    /// The rows of a table setting (a percentile key is its rank: 90): sorted by key when the plug-in declared a key order,
    /// else as written; each result checked against the declared range and the results against their declared order;
    /// empty when not written.
    /// </summary>
    public IReadOnlyList<TableRow> Get(TableSetting setting) => Evaluated(() =>
    {
        if (_clause.Setting(setting.Key) is not BoundTableSetting written)
        {
            return (IReadOnlyList<TableRow>)Array.Empty<TableRow>();
        }
        var rows = new List<TableRow>();
        foreach (var row in written.Table.Rows)
        {
            if (row.KeyValue is null || row.Result is null)
            {
                throw new InvalidOperationException($"The table '{setting.Key}' has a row that was not bound: the contract has errors.");
            }
            rows.Add(new TableRow(_settlement.Evaluate(row.KeyValue).Number, InRange(row.Result, written.Spec, $"a result of '{setting.Key}' of {_clause.Title}")));
        }
        if (ListsAndTables.OrderProblem(setting, rows) is { } order)
        {
            Failure ??= PluginDiagnostics.RowsOutOfOrder(Location.In(_settlement.Contract.Source, written.Table.Rows[order.Row].Span), setting.Key, _clause.Title, order.Message);
            throw new PluginStopped();
        }
        return ListsAndTables.Ordered(setting, rows).Select(r => r.Row).ToList();
    });

    // The same check and message as a built-in setting's (VBC4003), reported by the host once the call ends.
    private decimal InRange(BoundExpression expression, Clauses.ParameterSpec spec, string what)
    {
        decimal value = _settlement.Evaluate(expression).Number;
        if (value < spec.Min || value > spec.Max)
        {
            Failure ??= SettlementDiagnostics.OutOfRange(Location.In(_settlement.Contract.Source, expression.Span), what,
                Display.Format(value, expression.Type), Display.Bounds(spec.Min, spec.Max, expression.Type));
            throw new PluginStopped();
        }
        return value;
    }

    /// <summary>Whether a condition holds (false when the setting is not written).</summary>
    public bool Get(Setting<bool> setting) => Evaluated(() => _clause.Expression(setting.Key) is { } e && _settlement.Evaluate(e).Flag);

    // A setting's expression that cannot be computed (a division by zero in the contract's own arithmetic) is the
    // contract's problem, reported as a built-in clause's would be (VBC4005), not as the plug-in's failure.
    private T Evaluated<T>(Func<T> read) => _gate.Pass(() =>
    {
        try
        {
            return read();
        }
        catch (Evaluation.EvaluationException e)
        {
            Failure ??= SettlementDiagnostics.EvaluationFailed(Location.In(_settlement.Contract.Source, e.Span), e.Message);
            throw new PluginStopped();
        }
    });

    /// <summary>Whether the contract writes this setting.</summary>
    public bool Has(SettingDeclaration setting) => _gate.Pass(() => _clause.Has(setting.Key));

    /// <summary>The setting's expression with the values of its names, for a formula: <c>benchmark ($9,800,000.00)</c>.</summary>
    public string Explain(SettingDeclaration setting) => _gate.Pass(() => _clause.Setting(setting.Key) switch
    {
        BoundExpressionSetting e => _settlement.Explain(e.Expression),
        BoundListSetting l => string.Join(", ", l.Items.Select(_settlement.Explain)),
        BoundTableSetting t => string.Join("; ", t.Table.Rows.Select(r =>
            $"{(r.KeyValue is null ? "?" : _settlement.Explain(r.KeyValue))}: {(r.Result is null ? "?" : _settlement.Explain(r.Result))}")),
        _ => "(not written)",
    });

    /// <summary>One item of a list setting with the values of its names, for a formula.</summary>
    public string Explain(ListSetting setting, int index) => _gate.Pass(() =>
        _clause.List(setting.Key) is { } items && index >= 0 && index < items.Count ? _settlement.Explain(items[index]) : "(not written)");

    /// <summary>The population's sum the clause declared with <c>SumOverMembers</c>.</summary>
    public decimal Total(MemberSum sum) => _gate.Pass(() =>
    {
        if (sum.By is not null)
        {
            throw new InvalidOperationException($"'{sum.Description}' is a sum by group: read it with Groups");
        }
        var unwritten = (sum.Of is { } of ? new SettingDeclaration[] { of } : sum.Expression.Settings().Concat(sum.Where?.Settings() ?? Enumerable.Empty<SettingDeclaration>()))
            .FirstOrDefault(s => !_clause.Has(s.Key));
        return unwritten is null
            ? _settlement.Total(_clause, sum.Key)
            : throw new InvalidOperationException($"'{sum.Description}' is read, but the contract does not write '{unwritten.Key}': check Has before reading it");
    });

    /// <summary>
    /// The groups of a sum by group (<c>SumOverMembersBy</c>, <c>CountMembersBy</c>), ordered by their text: each group's
    /// sum (its count, for a count) and how many members of the population it has. A group no member has is not listed.
    /// </summary>
    public IReadOnlyList<MemberGroup> Groups(MemberSumBy sum) => _gate.Pass(() =>
    {
        var unwritten = sum.Expression.Settings().Concat(sum.Where?.Settings() ?? Enumerable.Empty<SettingDeclaration>()).Concat(sum.By.Settings())
            .FirstOrDefault(s => !_clause.Has(s.Key));
        return unwritten is null
            ? (IReadOnlyList<MemberGroup>)_settlement.Groups(_clause, sum.Sum.Key).Select(g => new MemberGroup(g.Group, g.Sum, g.Count)).ToList()
            : throw new InvalidOperationException($"'{sum.Description}' is read, but the contract does not write '{unwritten.Key}': check Has before reading it");
    });

    /// <summary>The number of members a <c>CountMembers</c> declared counts.</summary>
    public int Count(MemberSum count) => count.IsCount
        ? (int)Total(count)
        : throw new InvalidOperationException($"'{count.Description}' is a sum, not a count: read it with Total");

    /// <summary>A value another clause computed, declared with <c>ReadsValue</c>; the settlement stops (VBC7031) when no clause computes it this year.</summary>
    public decimal Get(ValueRead value) => _gate.Pass(() => _settlement.Output(value.Name).Number);

    /// <summary>A value another clause computed, or null when no clause computes it this year.</summary>
    public decimal? GetOptional(ValueRead value) => _gate.Pass(() => _settlement.TryOutput(value.Name, out var v) ? v.Number : (decimal?)null);

    /// <summary>Makes a declared value known to other clauses.</summary>
    public void Set(Output output, decimal value) => _gate.Pass(() => _settlement.SetOutput(output.Name, Value.Of(value)));

    /// <summary>A step of the arithmetic, shown exactly (rounded only for display). The id is the clause's id and this suffix.</summary>
    public void Step(string id, string label, decimal value, Unit unit, string formula) =>
        _gate.Pass(() => _settlement.Step(_clause, _id + "." + id, label, value, Units.TypeOf(unit), formula));

    /// <summary>A line without a number (a test met or not, a choice applied).</summary>
    public void Note(string id, string label, string text) => _gate.Pass(() => _settlement.Note(_clause, _id + "." + id, label, text));

    /// <summary>A payment line (payer to provider positive), rounded to cents on the statement; the total is the sum of the rounded lines.</summary>
    public void Component(string id, string label, decimal exactAmount, string formula) =>
        _gate.Pass(() => _settlement.Component(_clause, _id + "." + id, label, exactAmount, formula));

    /// <summary>Stops the settlement with one of the plug-in's own errors, at the setting (or the clause).</summary>
    public void Fail(PluginCode code, SettingDeclaration? at, string message)
    {
        _gate.Pass(() => Failure ??= PluginMessages.Make(_kind, code, Location.In(_settlement.Contract.Source, PluginMessages.SpanOf(_clause, at)), message));
        throw new PluginStopped();
    }

    /// <summary>"$1,234.56", "12.5%": a value as the statement shows its unit.</summary>
    public static string Show(decimal value, Unit unit) => Units.Show(value, unit);
}

internal static class PluginMessages
{
    public static Diagnostic Make(PluginClause kind, PluginCode code, Location at, string message) =>
        new(kind.CodeOf(code), code.IsError ? Severity.Error : Severity.Warning, at, $"{message} {code.Fix}".Trim());

    public static TextSpan SpanOf(BoundClause clause, SettingDeclaration? at) =>
        at is not null && clause.Setting(at.Key) is { } s ? s.Syntax.Span : clause.Syntax.Header.Span;
}
