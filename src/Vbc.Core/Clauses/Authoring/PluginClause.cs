using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;

namespace Vbc.Clauses.Authoring;

/// <summary>
/// The base of a clause kind written outside vbc (a C# script plug-in; built-ins may adopt it later). A kind declares,
/// once, in its constructor or field initialisers: its settings with their units (<see cref="MoneySetting"/>, ...), the
/// sums over members it needs (<see cref="SumOverMembers"/>), the values it computes (<see cref="MoneyOutput"/>) and
/// its own diagnostic codes (<see cref="ErrorCode"/>). vbc checks contracts against these declarations exactly as it
/// checks built-in clauses. <see cref="Settle"/> runs once per settlement, never per member; it reads the declared
/// settings back typed, and writes steps and payment components as the built-ins do.
/// </summary>
public abstract partial class PluginClause : IClauseKind
{
    private readonly List<SettingDeclaration> _settings = new();
    private readonly List<MemberSum> _sums = new();
    private readonly List<Output> _outputs = new();
    private readonly List<ValueRead> _reads = new();
    private readonly List<PluginCode> _codes = new();
    private readonly List<(int Line, string Problem)> _problems = new();
    private Frozen? _frozen;

    /// <summary>The words that open the clause's block, lower case: "aggregate stop loss".</summary>
    public abstract string Keyword { get; }

    /// <summary>One sentence for contract managers: what the clause does.</summary>
    public abstract string Summary { get; }

    /// <summary>The plug-in's own version, shown on statements next to its SHA-256.</summary>
    public virtual string Version => "1.0.0";

    /// <summary>The prefix of the plug-in's diagnostic codes: two to five capital letters, not "VBC".</summary>
    public abstract string CodePrefix { get; }

    /// <summary>Whether a contract may hold several clauses of this kind.</summary>
    public virtual bool Repeatable => false;

    /// <summary>Whether the clause may stand inside a <c>level</c> block.</summary>
    public virtual bool AllowedInLevel => true;

    /// <summary>Checks beyond the declared types and ranges, at check time (constants only: inputs are not known yet).</summary>
    protected virtual void Check(CheckContext check)
    {
    }

    /// <summary>The clause's arithmetic, once per settlement: read settings and sums, write steps and components.</summary>
    protected abstract void Settle(SettleContext settle);

    // ---- declarations ---------------------------------------------------------------------------------------------

    /// <summary>A setting in dollars ($1,000.00), 0 or more unless <paramref name="min"/> says otherwise.</summary>
    protected Setting<decimal> MoneySetting(string key, string doc, string example, bool required = true, decimal? min = null, decimal? max = null,
        Party? favours = null, [CallerLineNumber] int line = 0) =>
        Number(key, Unit.Money, doc, example, required, min, max, favours, line);

    /// <summary>A setting written as a percent (80%), read as a fraction (0.8).</summary>
    protected Setting<decimal> PercentSetting(string key, string doc, string example, bool required = true, decimal? min = null, decimal? max = null,
        Party? favours = null, [CallerLineNumber] int line = 0) =>
        Number(key, Unit.Percent, doc, example, required, min, max, favours, line);

    /// <summary>A plain number setting (a ratio, a factor).</summary>
    protected Setting<decimal> NumberSetting(string key, string doc, string example, bool required = true, decimal? min = null, decimal? max = null,
        Party? favours = null, [CallerLineNumber] int line = 0) =>
        Number(key, Unit.Number, doc, example, required, min, max, favours, line);

    /// <summary>
    /// A list of values of one unit, separated by commas (<c>quarters: $15,000.00, $15,000.00, $15,000.00, $15,000.00</c>), with
    /// <paramref name="minItems"/> to <paramref name="maxItems"/> items; <paramref name="min"/> and <paramref name="max"/> bound each item.
    /// </summary>
    protected ListSetting ListSetting(string key, Unit unit, string doc, string example, int minItems = 1, int maxItems = int.MaxValue, bool required = true,
        decimal? min = null, decimal? max = null, [CallerLineNumber] int line = 0)
    {
        CheckBounds(key, min, max, line);
        if (minItems < 1 || minItems > maxItems)
        {
            _problems.Add((line, $"The list '{key}' takes {minItems} to {maxItems} items: at least 1, and the least not above the most."));
        }
        var spec = new ParameterSpec(key, ParameterShape.List, Units.ExpectationOf(unit), doc, example, Required: required, Min: min, Max: max);
        return Declare(new ListSetting(spec, unit, minItems, maxItems), line);
    }

    /// <summary>
    /// A table of rows <c>key: result</c>, the keys of unit <paramref name="keys"/> and the results of unit <paramref name="results"/>,
    /// in the orders given, with <paramref name="minRows"/> to <paramref name="maxRows"/> rows; <paramref name="min"/> and
    /// <paramref name="max"/> bound each result. The example is the rows, one a line: <c>"30th percentile: 52%\n90th percentile: 77%"</c>.
    /// </summary>
    protected TableSetting TableSetting(string key, string doc, string example, Unit keys, Unit results, RowOrder keyOrder = RowOrder.Ascending,
        RowOrder resultOrder = RowOrder.Any, int minRows = 1, int maxRows = int.MaxValue, bool required = true, decimal? min = null, decimal? max = null,
        [CallerLineNumber] int line = 0)
    {
        CheckBounds(key, min, max, line);
        if (minRows < 1 || minRows > maxRows)
        {
            _problems.Add((line, $"The table '{key}' takes {minRows} to {maxRows} rows: at least 1, and the least not above the most."));
        }
        var table = new TableSpec(null, EvaluationLevel.Run, ByRequired: false, Keys: Units.ExpectationOf(keys), KeysAreRanges: false,
            Results: Units.ExpectationOf(results), ResultsMayInterpolate: false);
        var spec = new ParameterSpec(key, ParameterShape.Table, Units.ExpectationOf(results), doc, example, Required: required, Min: min, Max: max, Table: table);
        return Declare(new TableSetting(spec, keys, results, keyOrder, resultOrder, minRows, maxRows), line);
    }

    private void CheckBounds(string key, decimal? min, decimal? max, int line)
    {
        if (min is not null && max is not null && min > max)
        {
            _problems.Add((line, $"The setting '{key}' has a minimum ({min}) above its maximum ({max})."));
        }
    }

    /// <summary>A yes/no condition (<c>quality_gate_met</c>, <c>quality_score >= 80%</c>).</summary>
    protected Setting<bool> ConditionSetting(string key, string doc, string example, bool required = true, [CallerLineNumber] int line = 0)
    {
        var setting = new Setting<bool>(new ParameterSpec(key, ParameterShape.Expression, TypeExpectation.Flag, doc, example, Required: required), null);
        return Declare(setting, line);
    }

    /// <summary>A per-member money expression over the data's columns (<c>inpatient + outpatient</c>).</summary>
    protected MemberSetting PerMemberMoney(string key, string doc, string example, bool required = true, [CallerLineNumber] int line = 0)
    {
        var setting = new MemberSetting(new ParameterSpec(key, ParameterShape.Expression, TypeExpectation.Money, doc, example,
            Required: required, Level: EvaluationLevel.Member, Min: decimal.MinValue), Unit.Money);
        return Declare(setting, line);
    }

    /// <summary>The sum over the population of a per-member setting, computed by the member-level stage.</summary>
    protected MemberSum SumOverMembers(MemberSetting of, string description, [CallerLineNumber] int line = 0)
    {
        if (!_settings.Contains(of))
        {
            _problems.Add((line, "SumOverMembers is given a setting this clause did not declare."));
        }
        return DeclareSum(of, of is null ? PerMember.Number(0m) : PerMember.Of(of), null, Unit.Money, description, line);
    }

    /// <summary>
    /// The sum over the population of a per-member expression (<c>PerMember.Max(PerMember.Of(_cost) - PerMember.Of(_attachment), PerMember.Money(0m))</c>),
    /// of the members where <paramref name="where"/> holds when it is given. <paramref name="unit"/> is the unit the
    /// expression must have in the contract (checked when the contract is checked). The member-level stage computes it.
    /// </summary>
    protected MemberSum SumOverMembers(PerMember perMember, Unit unit, string description, PerMember? where = null, [CallerLineNumber] int line = 0) =>
        DeclareSum(null, perMember, where, unit, description, line);

    /// <summary>The number of members of the population where a per-member condition holds (<c>PerMember.Of(_cost) > PerMember.Money(100000m)</c>).</summary>
    protected MemberSum CountMembers(PerMember where, string description, [CallerLineNumber] int line = 0) =>
        DeclareSum(null, PerMember.Number(1m), where, Unit.Count, description, line, isCount: true);

    private MemberSum DeclareSum(MemberSetting? of, PerMember perMember, PerMember? where, Unit unit, string description, int line, bool isCount = false, PerMember? by = null)
    {
        if (perMember is null)
        {
            _problems.Add((line, "A sum over members is given no per-member expression."));
            perMember = PerMember.Number(0m);
        }
        foreach (var setting in perMember.Settings().Concat(where?.Settings() ?? Enumerable.Empty<SettingDeclaration>()).Concat(by?.Settings() ?? Enumerable.Empty<SettingDeclaration>()).Distinct())
        {
            if (!_settings.Contains(setting))
            {
                _problems.Add((line, $"The per-member expression reads the setting '{setting.Key}', which this clause did not declare."));
            }
        }
        foreach (var problem in perMember.Problems().Concat(where?.Problems() ?? Enumerable.Empty<string>()).Concat(by?.Problems() ?? Enumerable.Empty<string>()))
        {
            _problems.Add((line, problem));
        }
        if (string.IsNullOrWhiteSpace(description))
        {
            _problems.Add((line, "A sum over members has no description: say what it sums, for statements and the reference page."));
        }
        var sum = new MemberSum("sum" + _sums.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), of, perMember, where, unit, description ?? "", line) { IsCount = isCount, By = by };
        _sums.Add(sum);
        return sum;
    }

    /// <summary>
    /// A value another clause computes (<c>benchmark</c>, <c>savings</c>), read while settling with <see cref="SettleContext.Get(ValueRead)"/>.
    /// Declaring it orders this clause after the one that computes it; reading a value not declared stops the settlement (VBC7030).
    /// </summary>
    protected ValueRead ReadsValue(string name, Unit unit, string description, [CallerLineNumber] int line = 0)
    {
        if (!NamePattern().IsMatch(name ?? ""))
        {
            _problems.Add((line, $"The value name '{name}' is not a lower-case name ('benchmark')."));
        }
        var read = new ValueRead(name ?? "", unit, description);
        _reads.Add(read);
        return read;
    }

    /// <summary>A money value other clauses may use by this name.</summary>
    protected Output MoneyOutput(string name, string description, [CallerLineNumber] int line = 0) => DeclareOutput(name, Unit.Money, description, line);

    /// <summary>A percent value other clauses may use by this name.</summary>
    protected Output PercentOutput(string name, string description, [CallerLineNumber] int line = 0) => DeclareOutput(name, Unit.Percent, description, line);

    /// <summary>An error of the plug-in's own: code <c>{CodePrefix}{number:000}</c>, documented by its title and fix.</summary>
    protected PluginCode ErrorCode(int number, string title, string fix, [CallerLineNumber] int line = 0) => DeclareCode(number, true, title, fix, line);

    /// <summary>A warning of the plug-in's own.</summary>
    protected PluginCode WarningCode(int number, string title, string fix, [CallerLineNumber] int line = 0) => DeclareCode(number, false, title, fix, line);

    private Setting<decimal> Number(string key, Unit unit, string doc, string example, bool required, decimal? min, decimal? max, Party? favours, int line)
    {
        CheckBounds(key, min, max, line);
        var spec = new ParameterSpec(key, ParameterShape.Expression, Units.ExpectationOf(unit), doc, example, Required: required, Min: min, Max: max) { HigherFavours = favours };
        return Declare(new Setting<decimal>(spec, unit), line);
    }

    // Generated at build time: a regular expression built at run time costs every run's start-up (built-in clauses are declared here too).
    [GeneratedRegex("^[a-z][a-z0-9]*( [a-z][a-z0-9]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Z]{2,5}$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();

    private T Declare<T>(T setting, int line) where T : SettingDeclaration
    {
        if (!KeyPattern().IsMatch(setting.Key ?? ""))
        {
            _problems.Add((line, $"The setting key '{setting.Key}' is not lower-case words separated by single spaces ('attachment point')."));
        }
        else if (_settings.Any(s => s.Key == setting.Key))
        {
            _problems.Add((line, $"The setting '{setting.Key}' is declared twice."));
        }
        if (string.IsNullOrWhiteSpace(setting.Spec.Doc))
        {
            _problems.Add((line, $"The setting '{setting.Key}' has no documentation: say what it is for contract managers."));
        }
        _settings.Add(setting);
        setting.Owner = this;
        return setting;
    }

    private Output DeclareOutput(string name, Unit unit, string description, int line)
    {
        if (!NamePattern().IsMatch(name ?? ""))
        {
            _problems.Add((line, $"The value name '{name}' is not a lower-case name ('aggregate_stop_loss')."));
        }
        else if (_outputs.Any(o => o.Name == name))
        {
            _problems.Add((line, $"The value '{name}' is declared twice."));
        }
        var output = new Output(name ?? "", unit, description);
        _outputs.Add(output);
        return output;
    }

    private PluginCode DeclareCode(int number, bool isError, string title, string fix, int line)
    {
        if (number is < 1 or > 999)
        {
            _problems.Add((line, $"The diagnostic number {number} is not between 1 and 999."));
        }
        string code = $"{{prefix}}{number:000}";
        if (_codes.Any(c => c.Code == code))
        {
            _problems.Add((line, $"The diagnostic number {number} is declared twice."));
        }
        var declared = new PluginCode(code, isError, title, fix);
        _codes.Add(declared);
        return declared;
    }

    // ---- what vbc reads (the plug-in author never needs these) ---------------------------------------------------

    /// <summary>The settings, sums, values and codes the plug-in declared, for its documentation.</summary>
    public IReadOnlyList<SettingDeclaration> Settings => _settings;

    public IReadOnlyList<Output> Outputs => _outputs;

    /// <summary>The sums and counts over members the plug-in declared.</summary>
    public IReadOnlyList<MemberSum> Sums => _sums;

    public IReadOnlyList<PluginCode> Codes => _codes;

    /// <summary>Problems with the declarations, each with the line of the script that made it.</summary>
    internal IReadOnlyList<(int Line, string Problem)> DeclarationProblems => _problems;

    /// <summary>Where the plug-in came from (its name in the contract and its source's SHA-256), set by the host.</summary>
    internal PluginPin? Pin { get; set; }

    /// <summary>Runs plug-in code under the host's limits; null runs it directly (trusted code, tests of the API).</summary>
    internal IPluginRunner? Runner { get; set; }

    private sealed record Frozen(string Keyword, string Summary, string Version, string Prefix, bool Repeatable, bool AllowedInLevel);

    /// <summary>
    /// Reads the plug-in's properties once (they are plug-in code: the host calls this under its limits), checks them,
    /// and fixes the codes' prefix. vbc reads the kind only through the values read here.
    /// </summary>
    internal void Freeze()
    {
        var frozen = new Frozen(Keyword ?? "", Summary ?? "", Version ?? "", CodePrefix ?? "", Repeatable, AllowedInLevel);
        if (!KeyPattern().IsMatch(frozen.Keyword))
        {
            _problems.Add((0, $"The keyword '{frozen.Keyword}' is not lower-case words separated by single spaces ('aggregate stop loss')."));
        }
        if (!PrefixPattern().IsMatch(frozen.Prefix) || frozen.Prefix == "VBC")
        {
            _problems.Add((0, $"The code prefix '{frozen.Prefix}' is not two to five capital letters other than VBC."));
        }
        if (string.IsNullOrWhiteSpace(frozen.Summary))
        {
            _problems.Add((0, "The clause has no summary: say in one sentence what it does."));
        }
        for (int i = 0; i < _codes.Count; i++)
        {
            var c = _codes[i];
            _codes[i] = new PluginCode(c.Code.Replace("{prefix}", frozen.Prefix, StringComparison.Ordinal), c.IsError, c.Title, c.Fix);
        }
        _frozen = frozen;
    }

    private Frozen State => _frozen ?? (IsBuiltIn ? FreezeBuiltIn() : throw new InvalidOperationException("A plug-in clause is used before the host read its declarations (Freeze)."));

    // The built-in kinds written on this API (in vbc itself) are trusted: read on first use, without the host's limits.
    private bool IsBuiltIn => GetType().Assembly == typeof(PluginClause).Assembly;

    private Frozen FreezeBuiltIn()
    {
        var frozen = new Frozen(Keyword, Summary, Version, CodePrefix, Repeatable, AllowedInLevel);
        if (_problems.Count > 0)
        {
            throw new InvalidOperationException($"The built-in clause '{frozen.Keyword}' declares: {string.Join(" ", _problems.Select(p => p.Problem))}");
        }
        return _frozen = frozen;
    }

    /// <summary>The version as read once by <see cref="Freeze"/> (reading <see cref="Version"/> would run plug-in code).</summary>
    internal string FrozenVersion => State.Version;

    internal string CodeOf(PluginCode code) => code.Code.Replace("{prefix}", State.Prefix, StringComparison.Ordinal);

    string IClauseKind.Keyword => State.Keyword;

    string IClauseKind.Summary => State.Summary;

    ClauseNaming IClauseKind.Naming => ClauseNaming.None;

    bool IClauseKind.Repeatable => State.Repeatable;

    bool IClauseKind.TopLevel => true;

    bool IClauseKind.AllowedInLevel => State.AllowedInLevel;

    ClauseCapabilities IClauseKind.Capabilities => ClauseCapabilities.None;

    IReadOnlyList<ParameterSpec> IClauseKind.Parameters => _settings.Select(s => s.Spec).ToList();

    IReadOnlyList<string> IClauseKind.ChildKinds => Array.Empty<string>();

    IReadOnlyList<string> IClauseKind.Requires => _requires;

    IEnumerable<OutputSpec> IClauseKind.DeclareOutputs(BlockSyntax block, string? name) =>
        _outputs.Select(o => new OutputSpec(o.Name, Units.TypeOf(o.Unit), o.Description));

    // A plug-in reads other clauses' values through its settings' expressions (whose names the binder follows), the values
    // it declared with ReadsValue, and member months (SettleContext.MemberMonths): the list comes from the declarations,
    // and a read outside it stops the settlement (VBC7030), so there is nothing to keep in step with Settle by hand.
    IEnumerable<string> IClauseKind.ReadsImplicitly(BoundClause clause) => _reads.Select(r => r.Name).Append(WellKnownValues.TotalMemberMonths);

    void IClauseKind.Check(BoundClause clause, ClauseCheckContext context)
    {
        MemberNeeds.Bind(this, clause, context);
        ListsAndTables.Check(this, clause, context);
        var gate = new CallGate();
        var check = new CheckContext(this, clause, context, gate);
        if (Run(new PluginCall(this, clause, context.Source, "check", () => Check(check), gate)) is { } problem)
        {
            context.Report(problem);
        }
        // After the plug-in's own checks, which may say where its bands start (CheckContext.BandsStartAt).
        AmountsAndBands.Check(this, clause, context, check);
    }

    // The member-level stage computes every declared sum; no plug-in code runs per member.
    void IClauseKind.PlanMembers(BoundClause clause, IMemberPlan plan)
    {
        foreach (var sum in _sums)
        {
            if (sum.Of is { } of)
            {
                if (clause.Expression(of.Key) is { } perMember)
                {
                    plan.Sum(clause, sum.Key, perMember, sum.Description);
                }
            }
            else if (sum.By is not null)
            {
                if (clause.DeclaredMemberExpressions.TryGetValue(sum.Key, out var summed) && clause.DeclaredMemberExpressions.TryGetValue(MemberSumBy.GroupKeyOf(sum), out var by))
                {
                    plan.SumBy(clause, sum.Key, by, summed, sum.Description);
                }
            }
            else if (clause.DeclaredMemberExpressions.TryGetValue(sum.Key, out var declared))
            {
                plan.Sum(clause, sum.Key, declared, sum.Description);
            }
        }
    }

    void IClauseKind.Settle(BoundClause clause, ISettlement settlement)
    {
        var gate = new CallGate();
        var settle = new SettleContext(this, clause, settlement, gate);
        var problem = Run(new PluginCall(this, clause, settlement.Contract.Source, "settle", () => Settle(settle), gate));
        if (settle.Failure is { } failure)
        {
            settlement.Report(failure);
        }
        if (problem is not null)
        {
            settlement.Report(problem);
        }
    }

    private Diagnostic? Run(PluginCall call)
    {
        if (Runner is { } runner)
        {
            return runner.Run(call);
        }
        try
        {
            call.Body();
        }
        catch (PluginStopped)
        {
        }
        return null;
    }

    // Sealed: vbc may call these on any kind, outside the host's limits, so a plug-in may not override them.
    public sealed override string ToString() => _frozen?.Keyword ?? (IsBuiltIn ? State.Keyword : GetType().Name);

    public sealed override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public sealed override int GetHashCode() => RuntimeHelpers.GetHashCode(this);
}

/// <summary>One call into plug-in code: which kind, for which clause, at which stage, and the gate its context uses.</summary>
internal sealed record PluginCall(PluginClause Kind, BoundClause Clause, Text.SourceText Contract, string Stage, Action Body, CallGate Gate);

/// <summary>The host's way to run plug-in code: a diagnostic when the code failed or was stopped, else null.</summary>
internal interface IPluginRunner
{
    Diagnostic? Run(PluginCall call);
}

/// <summary>Thrown by the API when the plug-in reported its own error: the host ends the call without a diagnostic of its own.</summary>
internal sealed class PluginStopped : Exception
{
    public PluginStopped() : base("The plug-in reported an error.")
    {
    }
}

/// <summary>
/// Serialises the API's calls into vbc with the host's decision to abandon a plug-in that overran its time: once
/// revoked, every call throws, so an abandoned plug-in thread can no longer write to the statement.
/// </summary>
internal sealed class CallGate
{
    private readonly object _lock = new();
    private bool _revoked;

    public void Revoke()
    {
        lock (_lock)
        {
            _revoked = true;
        }
    }

    public T Pass<T>(Func<T> call)
    {
        lock (_lock)
        {
            if (_revoked)
            {
                throw new PluginStopped();
            }
            return call();
        }
    }

    public void Pass(Action call) => Pass(() =>
    {
        call();
        return 0;
    });
}
