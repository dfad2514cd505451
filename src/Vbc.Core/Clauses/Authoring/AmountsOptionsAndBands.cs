using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Clauses.Authoring;

// Author API version 3: amounts in money or PMPM, options, bands, tables looked up by a value, defaults, required
// clauses, and vbc's own checks a clause may ask for. The built-in sharing clauses are written with them.

public abstract partial class PluginClause
{
    private readonly List<string> _requires = new();

    /// <summary>
    /// An amount written either in dollars (<c>$25,000.00</c>) or per member per month (<c>$2.00 PMPM</c>), read back with
    /// its unit (<see cref="Amount"/>). vbc checks that a contract writing it PMPM has member months (VBC2038).
    /// </summary>
    protected MoneyOrPmpmSetting MoneyOrPmpmSetting(string key, string doc, string example, bool required = true, decimal? min = null, decimal? max = null,
        Party? favours = null, [CallerLineNumber] int line = 0)
    {
        CheckBounds(key, min, max, line);
        var spec = new ParameterSpec(key, ParameterShape.Expression, TypeExpectation.MoneyOrPmpm, doc, example, Required: required, Min: min, Max: max)
        { HigherFavours = favours };
        return Declare(new MoneyOrPmpmSetting(spec), line);
    }

    /// <summary>
    /// A setting whose value is one word (or words) of a fixed set, given as an enum of the script's own: each member is
    /// written in the contract in lower-case words (<c>SecondDollar</c> is <c>second dollar</c>), and the first member is
    /// the value when the contract does not write the setting. Read back as the enum.
    /// </summary>
    protected OptionSetting<T> OptionSetting<T>(string key, string doc, bool required = false, [CallerLineNumber] int line = 0) where T : struct, Enum
    {
        var values = Enum.GetValues<T>().Distinct().ToList();
        var words = values.Select(v => OptionWords(v.ToString())).ToList();
        if (values.Count == 0)
        {
            _problems.Add((line, $"The option '{key}' has no values: its enum declares no members."));
            words.Add("");
        }
        foreach (var word in words.Where(w => !KeyPattern().IsMatch(w)))
        {
            _problems.Add((line, $"The option value '{word}' of '{key}' is not lower-case words ('second dollar'): name the enum's members in words (SecondDollar)."));
        }
        var spec = new ParameterSpec(key, ParameterShape.Option, TypeExpectation.Text, doc, words[0], Required: required, Options: words);
        return Declare(new OptionSetting<T>(spec, values), line);
    }

    // "SecondDollar" -> "second dollar"; "PMPMRate" -> "pmpm rate".
    private static string OptionWords(string name)
    {
        var text = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool wordStarts = i > 0 && char.IsUpper(c)
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
            if (wordStarts)
            {
                text.Append(' ');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    /// <summary>
    /// Bands: a table whose rows are ranges of a value, each with its result (<c>up to 25%: 100%</c>, <c>25% to 35%: 50%</c>,
    /// <c>above 50%: 10%</c>), the keys of unit <paramref name="keys"/> written in the contract (never inputs), the results of
    /// unit <paramref name="results"/> bounded by <paramref name="min"/> and <paramref name="max"/>. vbc checks that each row is
    /// a range, that the bands leave no gap and do not overlap (VBC2010, VBC2011), and, with <paramref name="startsAt"/>, that
    /// they start there (an open low end, <c>up to 25%</c>, starts there). Read back lowest band first.
    /// </summary>
    protected BandsSetting BandsSetting(string key, string doc, string example, Unit keys, Unit results, bool required = true, decimal? min = null,
        decimal? max = null, decimal? startsAt = null, [CallerLineNumber] int line = 0)
    {
        CheckBounds(key, min, max, line);
        var table = new TableSpec(null, EvaluationLevel.Constant, ByRequired: false, Keys: Units.ExpectationOf(keys), KeysAreRanges: true,
            Results: Units.ExpectationOf(results), ResultsMayInterpolate: false);
        var spec = new ParameterSpec(key, ParameterShape.Table, Units.ExpectationOf(results), doc, example, Required: required, Min: min, Max: max, Table: table);
        return Declare(new BandsSetting(spec, keys, results, startsAt), line);
    }

    /// <summary>
    /// A number setting that the contract may write as one value or as a table looked up by a value once per settlement
    /// (<c>minimum savings rate: by assigned_beneficiaries { 5,000 to 5,999: 3.9% to 3.6% ... }</c>): rows keyed by ranges of
    /// unit <paramref name="lookedUpBy"/>; with <paramref name="interpolates"/> a result written as a range falls linearly
    /// across its row. vbc checks the rows for gaps and overlaps. Read back with <see cref="SettleContext.Get(Setting{decimal})"/>.
    /// </summary>
    protected Setting<decimal> NumberOrTableSetting(string key, Unit unit, Unit lookedUpBy, string doc, string example, bool interpolates = false,
        bool required = true, decimal? min = null, decimal? max = null, Party? favours = null, [CallerLineNumber] int line = 0)
    {
        CheckBounds(key, min, max, line);
        var by = Units.ExpectationOf(lookedUpBy);
        var table = new TableSpec(by, EvaluationLevel.Total, ByRequired: true, Keys: by, KeysAreRanges: true, Results: Units.ExpectationOf(unit),
            ResultsMayInterpolate: interpolates);
        var spec = new ParameterSpec(key, ParameterShape.ExpressionOrTable, Units.ExpectationOf(unit), doc, example, Required: required, Min: min, Max: max,
            Table: table) { HigherFavours = favours };
        return Declare(new Setting<decimal>(spec, unit), line);
    }

    /// <summary>
    /// Another clause the contract must have for this one to work (<c>"benchmark"</c>): a contract without it is refused
    /// (VBC2027). A clause inside a level is satisfied by one at the top or in the same level.
    /// </summary>
    protected void RequiresClause(string keyword, [CallerLineNumber] int line = 0)
    {
        if (!KeyPattern().IsMatch(keyword ?? ""))
        {
            _problems.Add((line, $"The required clause '{keyword}' is not a clause keyword ('benchmark')."));
            return;
        }
        if (!_requires.Contains(keyword!))
        {
            _requires.Add(keyword!);
        }
    }

    /// <summary>Changes a declaration's spec (a modifier); refused once vbc has read the declarations.</summary>
    internal void Modify(SettingDeclaration setting, Func<ParameterSpec, ParameterSpec> change, string? problem, int line)
    {
        if (_frozen is not null)
        {
            throw new InvalidOperationException($"'{setting.Key}' is changed after the clause's declarations were read: declare it in the constructor.");
        }
        if (problem is not null)
        {
            _problems.Add((line, problem));
        }
        setting.Spec = change(setting.Spec);
    }
}

/// <summary>Modifiers of a number setting, written after its declaration: <c>PercentSetting(...).WhenAbsent(0m)</c>.</summary>
public static class SettingModifiers
{
    /// <summary>
    /// The value the setting stands for when the contract does not write it (a minimum rate not written is 0%): writing it
    /// changes nothing, <c>Get</c> returns it, and <c>vbc diff</c> grades adding or removing the setting against it.
    /// </summary>
    public static Setting<decimal> WhenAbsent(this Setting<decimal> setting, decimal value, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var spec = setting.Spec;
        string? problem = value < spec.Min || value > spec.Max
            ? $"The setting '{setting.Key}' stands for {value.ToString(CultureInfo.InvariantCulture)} when absent, outside its own range."
            : spec.Required ? $"The setting '{setting.Key}' is required: a value when absent is never used (declare it with required: false)." : null;
        setting.Owner?.Modify(setting, s => s with { Default = value }, problem, line);
        return setting;
    }

    /// <summary>
    /// The setting is a limit, and not writing it means no limit (a cap not written caps nothing): <c>vbc diff</c> grades
    /// adding it as lowering the limit from unlimited. The clause checks <c>Has</c> before applying it.
    /// </summary>
    public static Setting<decimal> UnlimitedWhenAbsent(this Setting<decimal> setting, [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(setting);
        string? problem = setting.Spec.Required ? $"The setting '{setting.Key}' is required: it is never absent (declare it with required: false)." : null;
        setting.Owner?.Modify(setting, s => s with { AbsentIsUnlimited = true }, problem, line);
        return setting;
    }
}

/// <summary>An amount in dollars or per member per month (<see cref="PluginClause.MoneyOrPmpmSetting"/>).</summary>
public sealed class MoneyOrPmpmSetting : SettingDeclaration
{
    internal MoneyOrPmpmSetting(ParameterSpec spec) : base(spec)
    {
    }
}

/// <summary>An amount read back with the unit the contract wrote it in: <see cref="Unit.Money"/> or <see cref="Unit.Pmpm"/>.</summary>
public sealed class Amount
{
    internal Amount(decimal value, Unit unit)
    {
        Value = value;
        Unit = unit;
    }

    /// <summary>The amount as written: dollars, or dollars per member month.</summary>
    public decimal Value { get; }

    public Unit Unit { get; }

    public bool IsPmpm => Unit == Unit.Pmpm;
}

/// <summary>A setting whose value is one of a fixed set of words, read back as the enum <typeparamref name="T"/>.</summary>
public sealed class OptionSetting<T> : SettingDeclaration where T : struct, Enum
{
    private readonly IReadOnlyList<T> _values;

    internal OptionSetting(ParameterSpec spec, IReadOnlyList<T> values) : base(spec) => _values = values;

    /// <summary>The words the contract may write, in the enum's order; the first is the value when the setting is not written.</summary>
    public IReadOnlyList<string> Words => Spec.Options ?? Array.Empty<string>();

    /// <summary>The words a value is written in: <c>second dollar</c> for <c>SecondDollar</c>.</summary>
    public string WordOf(T value)
    {
        for (int i = 0; i < _values.Count; i++)
        {
            if (EqualityComparer<T>.Default.Equals(_values[i], value))
            {
                return Words[i];
            }
        }
        return value.ToString();
    }

    internal T ValueOf(string? written)
    {
        int index = written is null ? 0 : Words.ToList().IndexOf(written);
        return _values.Count == 0 ? default : _values[Math.Max(0, index)];
    }
}

/// <summary>Bands of a value, each row a range and its result (<see cref="PluginClause.BandsSetting"/>).</summary>
public sealed class BandsSetting : SettingDeclaration
{
    internal BandsSetting(ParameterSpec spec, Unit keys, Unit results, decimal? startsAt) : base(spec)
    {
        Keys = keys;
        Results = results;
        StartsAt = startsAt;
    }

    /// <summary>The unit of the band edges.</summary>
    public Unit Keys { get; }

    /// <summary>The unit of each band's result.</summary>
    public Unit Results { get; }

    /// <summary>Where the bands start, when declared: no band below it, the first starting there.</summary>
    public decimal? StartsAt { get; }
}

/// <summary>One band read back: its edges (null for an open end), whether each edge belongs to it, and its result.</summary>
public sealed class Band
{
    internal Band(decimal? low, bool lowInclusive, decimal? high, bool highInclusive, decimal result, string description)
    {
        Low = low;
        LowInclusive = lowInclusive;
        High = high;
        HighInclusive = highInclusive;
        Result = result;
        Description = description;
    }

    /// <summary>The low edge, null for <c>up to ...</c>.</summary>
    public decimal? Low { get; }

    public bool LowInclusive { get; }

    /// <summary>The high edge, null for <c>above ...</c>.</summary>
    public decimal? High { get; }

    public bool HighInclusive { get; }

    public decimal Result { get; }

    /// <summary>"up to 25%", "25% to 35%", "above 50%": the band as statements name it.</summary>
    public string Description { get; }

    /// <summary>Whether the value lies in the band.</summary>
    public bool Holds(decimal value) =>
        (Low is null || (LowInclusive ? value >= Low : value > Low)) && (High is null || (HighInclusive ? value <= High : value < High));
}

public sealed partial class CheckContext
{
    private readonly Dictionary<BandsSetting, (decimal? StartsAt, string? StartWhy, decimal? Holds, string? HoldWhy)> _bandRules = new();

    /// <summary>The option the contract chose (the first when it writes none).</summary>
    public T Get<T>(OptionSetting<T> setting) where T : struct, Enum => _gate.Pass(() => setting.ValueOf(_clause.Option(setting.Key)));

    /// <summary>
    /// For this contract, the bands start at <paramref name="start"/> (whatever the declaration says): a band below it is an
    /// error with the message <paramref name="why"/> (VBC2026), and the first band must start there (VBC2010).
    /// </summary>
    public void BandsStartAt(BandsSetting bands, decimal start, string why) => _gate.Pass(() =>
    {
        _bandRules[bands] = RulesOf(bands) with { StartsAt = start, StartWhy = why };
    });

    /// <summary>For this contract, one of the bands must hold <paramref name="value"/>, else the error <paramref name="why"/> (VBC2026) at the table.</summary>
    public void BandsMustHold(BandsSetting bands, decimal value, string why) => _gate.Pass(() =>
    {
        _bandRules[bands] = RulesOf(bands) with { Holds = value, HoldWhy = why };
    });

    internal (decimal? StartsAt, string? StartWhy, decimal? Holds, string? HoldWhy) RulesOf(BandsSetting bands) =>
        _bandRules.TryGetValue(bands, out var rule) ? rule : (bands.StartsAt, null, null, null);

    /// <summary>vbc's error for two settings that cannot go together (VBC2041), at the setting's key, with the message given.</summary>
    public void Conflict(SettingDeclaration at, string message) => _gate.Pass(() =>
    {
        if (_clause.Setting(at.Key) is { } written)
        {
            _context.Report(BindingDiagnostics.SettingsConflict(_context.Source, written.Syntax.Key.Span, message));
        }
    });

    /// <summary>
    /// vbc's error for a value written out of the range the clause allows (VBC2009), at the setting's value:
    /// "<paramref name="what"/> is <paramref name="value"/>, but it must be <paramref name="allowed"/>."
    /// </summary>
    public void OutOfRange(Setting<decimal> at, string what, decimal value, string allowed) => _gate.Pass(() =>
    {
        if (_clause.Expression(at.Key) is { } written)
        {
            _context.Report(BindingDiagnostics.OutOfRange(_context.Source, written.Span, what, Units.Show(value, at.Unit ?? Unit.Number), allowed));
        }
    });
}

public sealed partial class SettleContext
{
    /// <summary>The amount and the unit it is written in, checked against the declared range; $0.00 when not written.</summary>
    public Amount Get(MoneyOrPmpmSetting setting) => GetOptional(setting) ?? new Amount(0m, Unit.Money);

    /// <summary>The amount and the unit it is written in, checked against the declared range; null when not written.</summary>
    public Amount? GetOptional(MoneyOrPmpmSetting setting) => Evaluated(() =>
        _clause.Setting(setting.Key) is BoundExpressionSetting written
            ? new Amount(InRange(written.Expression, written.Spec, $"'{setting.Key}' of {_clause.Title}"),
                written.Expression.Type.Dimension == Dimension.PerMemberMonth ? Unit.Pmpm : Unit.Money)
            : null);

    /// <summary>The option the contract chose (the first when it writes none).</summary>
    public T Get<T>(OptionSetting<T> setting) where T : struct, Enum => _gate.Pass(() => setting.ValueOf(_clause.Option(setting.Key)));

    /// <summary>The bands, lowest first, each result checked against the declared range; empty when not written.</summary>
    public IReadOnlyList<Band> Get(BandsSetting setting) => Evaluated(() =>
    {
        if (_clause.Setting(setting.Key) is not BoundTableSetting written)
        {
            return (IReadOnlyList<Band>)Array.Empty<Band>();
        }
        var rows = TableLookup.Prepare(written.Table, e => _settlement.Evaluate(e)).Rows;
        var bands = new List<Band>();
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var result = written.Table.Rows[i].Result
                ?? throw new InvalidOperationException($"The bands '{setting.Key}' have a row that was not bound: the contract has errors.");
            bands.Add(new Band(row.Low, row.LowInclusive, row.High, row.HighInclusive, InRange(result, written.Spec, $"a result of '{setting.Key}' of {_clause.Title}"),
                row.DescribeKey(d => Units.Show(d, setting.Keys))));
        }
        return bands.OrderBy(b => b.Low ?? decimal.MinValue).ToList();
    });

    /// <summary>
    /// Stops the settlement with vbc's error for a value the clause worked out out of its range (VBC4003), at the setting
    /// it came from: "<paramref name="what"/> comes to <paramref name="value"/> in this run, but it must be <paramref name="allowed"/>."
    /// </summary>
    public void OutOfRange(SettingDeclaration at, string what, decimal value, Unit unit, string allowed)
    {
        _gate.Pass(() => Failure ??= SettlementDiagnostics.OutOfRange(
            Location.In(_settlement.Contract.Source, _clause.Expression(at.Key)?.Span ?? PluginMessages.SpanOf(_clause, at)), what, Units.Show(value, unit), allowed));
        throw new PluginStopped();
    }
}

/// <summary>vbc's own checks of the declarations added in version 3: an amount PMPM needs member months; bands.</summary>
internal static class AmountsAndBands
{
    public static void Check(PluginClause kind, BoundClause clause, ClauseCheckContext context, CheckContext check)
    {
        string keyword = ((IClauseKind)kind).Keyword;
        foreach (var setting in kind.Settings)
        {
            switch (setting)
            {
                case MoneyOrPmpmSetting when clause.Expression(setting.Key) is { Type.Dimension: var d } amount && d == Dimension.PerMemberMonth && !context.HasMemberMonths:
                    string article = "aeiou".Contains(keyword[0], StringComparison.Ordinal) ? "An" : "A";
                    context.Report(BindingDiagnostics.NeedsMemberMonths(context.Source, amount.Span, $"{article} {keyword} PMPM"));
                    break;
                case BandsSetting bands when clause.Table(bands.Key) is { } table:
                    CheckBands(bands, table, context, check.RulesOf(bands));
                    break;
            }
        }
    }

    private static void CheckBands(BandsSetting setting, BoundTable table, ClauseCheckContext context,
        (decimal? StartsAt, string? StartWhy, decimal? Holds, string? HoldWhy) rules)
    {
        string Show(decimal value) => Units.Show(value, setting.Keys);
        var start = rules.StartsAt;
        var bands = new List<(BoundTableRow Row, decimal Low, decimal High)>();
        foreach (var row in table.Rows)
        {
            if (row.KeyRange is not { } range)
            {
                continue;
            }
            decimal? low = range.Low is null ? start ?? decimal.MinValue : ClauseCheckContext.Constant(range.Low);
            decimal? high = range.High is null ? decimal.MaxValue : ClauseCheckContext.Constant(range.High);
            if (low is null || high is null)
            {
                context.Report(BindingDiagnostics.TableProblem(context.Source, row.Span, "Band edges must be written as numbers in the contract."));
                return;
            }
            if (range.Form == RangeForm.Between && range.Low == range.High)
            {
                context.Report(BindingDiagnostics.TableProblem(context.Source, row.Span, "A band needs a range: 'up to 25%', '25% to 35%' or 'above 35%'."));
                return;
            }
            if (low > high)
            {
                context.Report(BindingDiagnostics.PeriodEndsBeforeStart(context.Source, row.Span, Show(low.Value), Show(high.Value), "band"));
                return;
            }
            if (start is { } from && low < from)
            {
                context.Report(BindingDiagnostics.TableProblem(context.Source, row.Span,
                    rules.StartWhy ?? $"The bands of '{setting.Key}' start at {Show(from)}: write them from {Show(from)} upward."));
                return;
            }
            bands.Add((row, low.Value, high.Value));
        }

        var ordered = bands.OrderBy(b => b.Low).ThenBy(b => b.High).ToList();
        if (start is { } first && ordered.Count > 0 && ordered[0].Low > first)
        {
            context.Report(BindingDiagnostics.BandGap(context.Source, ordered[0].Row.Span, Show(first), Show(ordered[0].Low)));
        }
        for (int i = 1; i < ordered.Count; i++)
        {
            var (previous, current) = (ordered[i - 1], ordered[i]);
            if (current.Low > previous.High)
            {
                context.Report(BindingDiagnostics.BandGap(context.Source, current.Row.Span, Show(previous.High), Show(current.Low)));
            }
            else if (current.Low < previous.High)
            {
                context.Report(BindingDiagnostics.BandOverlap(context.Source, current.Row.Span, Show(current.Low), Show(Math.Min(previous.High, current.High))));
            }
        }
        if (rules.Holds is { } value && ordered.Count > 0 && !ordered.Any(b => b.Low <= value && value <= b.High))
        {
            context.Report(BindingDiagnostics.TableProblem(context.Source, table.Syntax.Span,
                rules.HoldWhy ?? $"The bands of '{setting.Key}' must hold {Show(value)}."));
        }
    }
}
