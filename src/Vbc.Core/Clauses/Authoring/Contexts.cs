using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Text;

namespace Vbc.Clauses.Authoring;

/// <summary>What a plug-in's own checks see at check time: which settings are written, their constant values, a way to report.</summary>
public sealed class CheckContext
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

    /// <summary>Reports one of the plug-in's own diagnostics at the setting (or at the clause when it is not written).</summary>
    public void Report(PluginCode code, SettingDeclaration? at, string message) => _gate.Pass(() =>
        _context.Report(PluginMessages.Make(_kind, code, Location.In(_context.Source, PluginMessages.SpanOf(_clause, at)), message)));
}

/// <summary>
/// What a plug-in's <c>Settle</c> sees: its settings' values (typed, range-checked), the member-level sums it declared,
/// member months, and the statement it writes to. It runs once per settlement.
/// </summary>
public sealed class SettleContext
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

    /// <summary>The performance year being settled.</summary>
    public int PerformanceYear => _gate.Pass(() => _settlement.PerformanceYear);

    /// <summary>The population's member months (from the data, or the cost clause's setting).</summary>
    public decimal MemberMonths => _gate.Pass(() => Clauses.BuiltIn.SettleHelpers.MemberMonthsOf(_settlement));

    /// <summary>The value of a required number setting, checked against its declared range.</summary>
    public decimal Get(Setting<decimal> setting) => GetOptional(setting) ?? 0m;

    /// <summary>The value of a number setting, or null when the contract does not write it.</summary>
    public decimal? GetOptional(Setting<decimal> setting) => Evaluated(() =>
    {
        if (_clause.Setting(setting.Key) is not BoundExpressionSetting written)
        {
            return (decimal?)null;
        }
        decimal value = _settlement.Evaluate(written.Expression).Number;
        var spec = written.Spec;
        if (value < spec.Min || value > spec.Max)
        {
            // The same check and message as a built-in setting's (VBC4003), reported by the host once the call ends.
            Failure ??= SettlementDiagnostics.OutOfRange(Location.In(_settlement.Contract.Source, written.Expression.Span), $"'{setting.Key}' of {_clause.Title}",
                Display.Format(value, written.Expression.Type), Display.Bounds(spec.Min, spec.Max, written.Expression.Type));
            throw new PluginStopped();
        }
        return value;
    });

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
    public string Explain(SettingDeclaration setting) =>
        _gate.Pass(() => _clause.Expression(setting.Key) is { } e ? _settlement.Explain(e) : "(not written)");

    /// <summary>The population's sum the clause declared with <c>SumOverMembers</c>.</summary>
    public decimal Total(MemberSum sum) => _gate.Pass(() => _clause.Has(sum.Of.Key)
        ? _settlement.Total(_clause, sum.Key)
        : throw new InvalidOperationException($"The sum over '{sum.Of.Key}' is read, but the contract does not write '{sum.Of.Key}': check Has before reading it"));

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
