using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.MemberStage;
using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Settlement;

/// <summary>Raised when a clause reports a problem: the settlement stops with the diagnostics gathered so far.</summary>
internal sealed class SettlementStopped : Exception
{
}

/// <summary>
/// The state of one settlement while its clauses run: inputs, the member-level stage's totals, the values clauses
/// have computed so far, and the statement lines written.
/// </summary>
internal sealed class SettlementContext : ISettlement
{
    private readonly IReadOnlyDictionary<InputSymbol, Value> _inputs;
    private readonly MemberStageResult? _members;
    private readonly Dictionary<string, Value> _outputs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<ValueSymbol, Value> _values = new();
    private readonly List<StatementLine> _lines = new();
    private readonly List<Diagnostic> _problems = new();

    public SettlementContext(BoundContract contract, int year, IReadOnlyDictionary<InputSymbol, Value> inputs, MemberStageResult? members)
    {
        Contract = contract;
        PerformanceYear = year;
        _inputs = inputs;
        _members = members;
    }

    public BoundContract Contract { get; }

    public int PerformanceYear { get; }

    public PopulationSummary? Population => _members?.Population;

    public IReadOnlyList<StatementLine> Lines => _lines;

    public IReadOnlyList<Diagnostic> Problems => _problems;

    public Value Resolve(Symbol symbol) => symbol switch
    {
        InputSymbol input => Input(input),
        BuiltInSymbol b when b == Contract.PerformanceYear => Value.Of(PerformanceYear),
        BuiltInSymbol b when b == BuiltInSymbol.Gain => _ownAmount is { } amount
            ? Value.Of(amount > 0)
            : throw new InvalidOperationException("'gain' was read before its clause said its amount (ISettlement.OwnAmount)."),
        ValueSymbol value => ValueOf(value),
        OutputSymbol output => _outputs.TryGetValue(output.Name, out var v)
            ? v
            : throw new EvaluationException(output.Producer.Syntax.Header.Span,
                $"'{output.Name}' has no value in {PerformanceYear}: the clause that computes it ({output.Producer.Title}) does not apply in this year."),
        _ => throw new InvalidOperationException($"'{symbol.Name}' is per member and has no single value."),
    };

    private Value Input(InputSymbol input)
    {
        var value = Pinned is not null && Pinned.TryGetValue(input.Name, out var pinned) ? Value.Of(pinned) : _inputs[input];
        _inputsRead[input] = value;
        return value;
    }

    private readonly Dictionary<InputSymbol, Value> _inputsRead = new();

    /// <summary>The inputs read so far and their values: a member-level stage that read these may be reused only where they are the same.</summary>
    public IReadOnlyDictionary<InputSymbol, Value> InputsRead => _inputsRead;

    private Value ValueOf(ValueSymbol symbol)
    {
        if (!_values.TryGetValue(symbol, out var value))
        {
            value = Evaluator.Evaluate(symbol.Expression!, Resolve);
            _values[symbol] = value;
            _valueLines.Add(symbol);
        }
        return value;
    }

    private readonly List<ValueSymbol> _valueLines = new();

    /// <summary>
    /// Each named value the settlement used, with its formula and value, so that a statement that says
    /// "rate: fsr (45%)" also shows how fsr came to 45%. Written after the clauses' lines, in order of first use.
    /// </summary>
    public IReadOnlyList<StatementLine> ValueLines() => _valueLines.Select(symbol =>
    {
        var value = _values[symbol];
        var at = Location.In(Contract.Source, symbol.Declaration);
        string formula = $"{symbol.Name} = {Explain(symbol.Expression!)}";
        return value.Kind == ValueKind.Number
            ? new StatementLine($"values.{symbol.Name.ToLowerInvariant()}", "values", $"Value {symbol.Name}", LineKind.Step, value.Number, symbol.Type, formula, at, null)
            : new StatementLine($"values.{symbol.Name.ToLowerInvariant()}", "values", $"Value {symbol.Name}", LineKind.Note, null, null,
                $"{formula}: {Display.Format(value, symbol.Type)}", at, null);
    }).ToList();

    public Value Evaluate(BoundExpression expression) => Used(Contract.Source.GetText(expression.Span), Evaluator.Evaluate(expression, Resolve), expression.Type);

    // The values the clause being settled has read so far, so that a result too large to compute can name them.
    private readonly List<string> _used = new();

    /// <summary>A new clause starts: forget the values the previous one read, and learn the values this one declares it reads.</summary>
    public void BeginClause(BoundClause unit)
    {
        _used.Clear();
        _ownAmount = null;
        _clause = unit;
        _declared = new HashSet<string>(ClauseDependencies.NamesRead(unit), StringComparer.OrdinalIgnoreCase);
        _declared.UnionWith(ClauseDependencies.OutputsOf(unit).Select(o => o.Name));
    }

    // The clause settling and the names it may read: those its settings use, those its kind declares it reads, and its own.
    // Clauses settle in the order of these declarations, so a read outside them is a defect of the kind that could
    // otherwise see a value not yet computed (and settle a wrong amount): it stops the settlement, naming the clause.
    private BoundClause? _clause;
    private HashSet<string> _declared = new(StringComparer.OrdinalIgnoreCase);

    private void CheckDeclared(string name)
    {
        if (_clause is { } clause && !_declared.Contains(name))
        {
            string declared = _declared.Count == 0 ? "nothing" : string.Join(", ", _declared.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));
            Report(ClauseKindDiagnostics.UndeclaredRead(Where(clause), clause.Title, clause.Kind.Keyword, name, declared));
        }
    }

    // The amount the current clause has worked out, for the built-in 'gain' (ISettlement.OwnAmount).
    private decimal? _ownAmount;

    public void OwnAmount(decimal amount) => _ownAmount = amount;

    /// <summary>The values the current clause has read: "base = $876.00 PMPM", "total_member_months = 53,531".</summary>
    public string UsedValues => _used.Count == 0 ? "none" : string.Join("; ", _used);

    private Value Used(string what, Value value, ValueType type)
    {
        if (value.Kind == ValueKind.Number && _used.Count < 12)
        {
            _used.Add($"{string.Join(' ', what.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))} = {Display.Format(value, type)}");
        }
        return value;
    }

    public string Explain(BoundExpression expression) => Explainer.Explain(expression, Resolve);

    public decimal Total(BoundClause owner, string key) => Used($"the sum of {key} over the members", Value.Of(_members!.Totals[(owner, key)]), ValueType.Number).Number;

    public IReadOnlyList<(string Group, decimal Sum, long Count)> Groups(BoundClause owner, string key) => _members!.Groups[(owner, key)];

    public Value Output(string name)
    {
        CheckDeclared(name);
        if (_outputs.TryGetValue(name, out var v))
        {
            return Used(name, v, ValueType.Number);
        }
        // Declared, so ordered after its producer: no producer settled in this year.
        Report(ClauseKindDiagnostics.ValueNotComputed(_clause is { } c ? Where(c) : Location.In(Contract.Source, default), _clause?.Title ?? "?", name, PerformanceYear));
        return default;
    }

    public bool TryOutput(string name, out Value value)
    {
        CheckDeclared(name);
        return _outputs.TryGetValue(name, out value);
    }

    public void SetOutput(string name, Value value) =>
        _outputs[name] = Pinned is not null && Pinned.TryGetValue(name, out var pinned) ? Value.Of(pinned) : value;

    /// <summary>
    /// Values that replace what their clause computes (<see cref="SettlementRequest.Pin"/>): a payout curve moves the
    /// actual cost or the quality score and lets the contract's own arithmetic do the rest.
    /// </summary>
    public IReadOnlyDictionary<string, decimal>? Pinned { get; init; }

    /// <summary>Every value the clauses computed, by name (for tools that read them: curves, pricing).</summary>
    public IReadOnlyDictionary<string, Value> Outputs => _outputs;

    public void Step(BoundClause clause, string id, string label, decimal value, ValueType unit, string formula) =>
        _lines.Add(new StatementLine(id, clause.Title, label, LineKind.Step, value, unit, formula, Where(clause), null));

    public void Note(BoundClause clause, string id, string label, string text) =>
        _lines.Add(new StatementLine(id, clause.Title, label, LineKind.Note, null, null, text, Where(clause), null));

    public void Component(BoundClause clause, string id, string label, decimal exactAmount, string formula) =>
        _lines.Add(new StatementLine(id, clause.Title, label, LineKind.Component, exactAmount, ValueType.Money, formula, Where(clause),
            Rounding.ToCents(exactAmount)));

    public void Report(Diagnostic diagnostic)
    {
        _problems.Add(diagnostic);
        throw new SettlementStopped();
    }

    private Location Where(BoundClause clause) => Location.In(Contract.Source, clause.Syntax.Header.Span);
}
