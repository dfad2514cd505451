using System.Collections.Immutable;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Formatting;
using Vbc.Parsing;
using Vbc.Settlement;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>Pass 3: each clause's settings, bound against its kind's specs (shape, type and unit, level, range).</summary>
public sealed partial class Binder
{
    private void BindSettings(BoundClause clause)
    {
        var kind = clause.Kind;
        var seen = new Dictionary<string, EntrySyntax>(StringComparer.Ordinal);
        var repeated = new Dictionary<string, List<BoundExpression>>(StringComparer.Ordinal);
        foreach (var entry in clause.Syntax.Items.OfType<EntrySyntax>())
        {
            if (entry.Key.Words.Count == 0)
            {
                continue;
            }
            string key = entry.Key.Text;
            var spec = kind.Parameters.FirstOrDefault(p => p.Key == key);
            if (spec is null && key == TableKey)
            {
                BindTableSetting(clause, entry, seen);
                continue;
            }
            if (spec is null)
            {
                var keys = kind.Parameters.Select(p => p.Key);
                _diagnostics.Add(BindingDiagnostics.UnknownSetting(Source, entry.Key.Span, key, kind.Keyword, Suggest.Nearest(key, keys), keys));
                continue;
            }
            if (seen.TryGetValue(key, out var first) && !spec.Repeatable)
            {
                _diagnostics.Add(BindingDiagnostics.DuplicateSetting(Source, entry.Key.Span, key, Source.GetPosition(first.Span.Start).Line));
                continue;
            }
            seen.TryAdd(key, entry);

            var setting = BindSetting(spec, entry);
            if (setting is null)
            {
                continue;
            }
            if (spec.Repeatable && setting is BoundListSetting list)
            {
                if (!repeated.TryGetValue(key, out var items))
                {
                    repeated[key] = items = new List<BoundExpression>();
                }
                items.AddRange(list.Items);
                clause.AddSetting(key, list with { Items = items.ToEquatableArray() });
            }
            else
            {
                clause.AddSetting(key, setting);
            }
        }

        if (!ClauseHasSyntaxErrors(clause))
        {
            foreach (var spec in kind.Parameters.Where(p => p.Required && !seen.ContainsKey(p.Key)))
            {
                _diagnostics.Add(BindingDiagnostics.MissingSetting(Source, clause.Syntax.Header.Span, clause.Title, spec.Key, spec.Example));
            }
        }

        foreach (var child in clause.Children)
        {
            BindSettings(child);
        }
    }

    /// <summary>Whether a syntax error lies inside the clause: then missing settings are not reported again.</summary>
    private bool ClauseHasSyntaxErrors(BoundClause clause)
    {
        var span = clause.Syntax.Span;
        return !clause.Syntax.IsClosed || _parsed.Diagnostics.Any(d => d.IsError && d.Location.Span is { } s && s.Start >= span.Start && s.Start <= span.End);
    }

    private BoundSetting? BindSetting(ParameterSpec spec, EntrySyntax entry)
    {
        var values = entry.Values;
        if (values.Count == 0)
        {
            return null; // syntax error already reported
        }
        string key = spec.Key;
        switch (spec.Shape)
        {
            case ParameterShape.Expression:
            case ParameterShape.ExpressionOrTable:
                {
                    if (values.Count != 1)
                    {
                        _diagnostics.Add(BindingDiagnostics.WrongShape(Source, entry.Span, key, $"one value, for example '{key}: {spec.Example}'"));
                        return null;
                    }
                    if (values[0] is TableSyntax byYear && spec.Shape == ParameterShape.Expression && byYear.By is NameSyntax { Name: PerformanceYearName })
                    {
                        // Any one-value setting may differ by year: 'base: by performance_year { 2024: $876.00 PMPM ... }'.
                        var yearLookup = BindTableLookup(spec with { Table = PerYearTable(spec) }, byYear);
                        return yearLookup is null ? null : new BoundExpressionSetting(spec, entry, yearLookup);
                    }
                    if (values[0] is TableSyntax table && spec.Shape == ParameterShape.ExpressionOrTable)
                    {
                        var lookup = BindTableLookup(spec, table);
                        return lookup is null ? null : new BoundExpressionSetting(spec, entry, lookup);
                    }
                    if (values[0] is PerYearSyntax perYear)
                    {
                        _diagnostics.Add(BindingDiagnostics.PerYearNotHere(Source, perYear.Span, key, SyntaxPrinter.Expression(perYear.Rate)));
                        return null;
                    }
                    if (values[0] is not ExpressionSyntax expression)
                    {
                        _diagnostics.Add(BindingDiagnostics.WrongShape(Source, values[0].Span, key, $"one value, for example '{key}: {spec.Example}'"));
                        return null;
                    }
                    var bound = BindChecked(spec, expression, $"'{key}'");
                    return new BoundExpressionSetting(spec, entry, bound);
                }

            case ParameterShape.List:
                {
                    var items = new List<BoundExpression>();
                    var fromYears = new List<int?>();
                    foreach (var value in values)
                    {
                        if (value is PerYearSyntax perYear)
                        {
                            if (BindPerYear(spec, perYear) is { } compound)
                            {
                                items.Add(compound.Rate);
                                fromYears.Add(compound.From);
                            }
                            continue;
                        }
                        if (value is not ExpressionSyntax expression)
                        {
                            _diagnostics.Add(BindingDiagnostics.WrongShape(Source, value.Span, key, $"values separated by commas, for example '{key}: {spec.Example}'"));
                            continue;
                        }
                        if (spec.Type.ColumnsOnly && !(expression is NameSyntax n && _scope.TryLookup(n.Name, out var s) && s is ColumnSymbol))
                        {
                            if (expression is NameSyntax unknown && !_scope.TryLookup(unknown.Name, out _))
                            {
                                var columns = _columns.Select(c => c.Name).ToList();
                                _diagnostics.Add(BindingDiagnostics.UnknownName(Source, unknown.Span, unknown.Name, Suggest.Nearest(unknown.Name, columns),
                                    columns.Count == 0
                                        ? "No columns are declared: declare them in a 'data' block."
                                        : $"Columns: {BindingDiagnostics.ListOf(columns.OrderBy(c => Suggest.Distance(c, unknown.Name)).ThenBy(c => c, StringComparer.Ordinal), 12)}."));
                            }
                            else
                            {
                                _diagnostics.Add(BindingDiagnostics.ColumnExpected(Source, expression.Span, key, spec.Type.Description));
                            }
                            continue;
                        }
                        items.Add(BindChecked(spec, expression, $"Each item of '{key}'"));
                        fromYears.Add(null);
                    }
                    return new BoundListSetting(spec, entry, items.ToEquatableArray(), fromYears.ToEquatableArray());
                }

            case ParameterShape.CarveOuts:
                return BindCarveOuts(spec, entry);

            case ParameterShape.Option:
                {
                    var text = string.Join(", ", values.Select(v => Normalize(Source.GetText(v.Span))));
                    var options = spec.Options ?? Array.Empty<string>();
                    if (!options.Contains(text))
                    {
                        _diagnostics.Add(BindingDiagnostics.UnknownOption(Source, entry.Values[0].Span.Union(entry.Values[^1].Span), key, text, options, Suggest.Nearest(text, options)));
                        return null;
                    }
                    return new BoundOptionSetting(spec, entry, text);
                }

            case ParameterShape.Range:
                {
                    if (values.Count != 1 || values[0] is TableSyntax or PhraseSyntax or PerYearSyntax)
                    {
                        _diagnostics.Add(BindingDiagnostics.WrongShape(Source, entry.Span, key, $"a range, for example '{key}: {spec.Example}'"));
                        return null;
                    }
                    var range = values[0] is RangeSyntax r
                        ? BindRange(spec, r, $"'{key}'")
                        : BindSingleAsRange(spec, (ExpressionSyntax)values[0], $"'{key}'");
                    return new BoundRangeSetting(spec, entry, range);
                }

            case ParameterShape.Table:
                {
                    if (values.Count != 1 || values[0] is not TableSyntax table)
                    {
                        _diagnostics.Add(BindingDiagnostics.WrongShape(Source, entry.Span, key, $"a table of rows in braces, for example '{key}: {spec.Example}'"));
                        return null;
                    }
                    var bound = BindTable(spec, table);
                    return bound is null ? null : new BoundTableSetting(spec, entry, bound);
                }
        }
        return null;
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    /// <summary>Binds an expression and checks it against the spec: type, per-member or total, and range.</summary>
    internal BoundExpression BindChecked(ParameterSpec spec, ExpressionSyntax syntax, string what, TypeExpectation? type = null)
    {
        var bound = BindExpression(syntax, spec.SeesOwnAmount ? new Scope(_scope, BuiltInSymbol.Gain) : null);
        if (bound.HasErrors())
        {
            return bound;
        }
        type ??= spec.Type;
        if (!type.Accepts(bound.Type))
        {
            string hint = !(bound.Type.Dimension.IsNone && bound.Type.IsNumber) ? ""
                : type == TypeExpectation.Money && bound.Type.Flavor == NumberFlavor.Percent ? "To take a share of an amount, write for example '10% of benchmark'."
                : type == TypeExpectation.Money ? "Write money with a dollar sign, for example $1,000.00."
                : type == TypeExpectation.Pmpm ? "Write an amount per member per month with a dollar sign and PMPM, for example $1,000.00 PMPM."
                : type == TypeExpectation.MoneyOrPmpm ? "Write money with a dollar sign, for example $25,000.00 or $2.00 PMPM."
                : "";
            _diagnostics.Add(BindingDiagnostics.WrongType(Source, syntax.Span, Capitalize(what), type.Description, bound.Type.DisplayName, hint));
            return new BoundErrorExpression(syntax);
        }
        CheckLevel(spec, bound, what);
        CheckRange(spec, bound, what, type);
        if (type == TypeExpectation.Flag && Evaluator.TryConstant(bound) is { Kind: ValueKind.Flag } constant)
        {
            _diagnostics.Add(BindingDiagnostics.ConstantCondition(Source, bound.Span, constant.Flag ? "true" : "false"));
        }
        return bound;
    }

    private void CheckLevel(ParameterSpec spec, BoundExpression bound, string what)
    {
        if (spec.Level == EvaluationLevel.Constant && bound.Level != EvaluationLevel.Constant)
        {
            var name = bound.Symbols().First(s => s.Level != EvaluationLevel.Constant);
            _diagnostics.Add(BindingDiagnostics.MustBeFixed(Source, bound.Span, Capitalize(what), name.Name));
        }
        else if (spec.IsPerMember && bound.Level == EvaluationLevel.Total)
        {
            var total = bound.Symbols().First(s => s.Level == EvaluationLevel.Total);
            _diagnostics.Add(BindingDiagnostics.TotalInPerMember(Source, bound.Span, Capitalize(what), total.Name));
        }
        else if (!spec.IsPerMember && bound.Level == EvaluationLevel.Member)
        {
            var column = bound.Symbols().First(s => s.Level == EvaluationLevel.Member);
            _diagnostics.Add(BindingDiagnostics.PerMemberInTotal(Source, bound.Span, Capitalize(what), column.Name));
        }
    }

    /// <summary>
    /// The one place a written value is checked against its spec: whole numbers where only whole numbers make sense
    /// (years, counts), then the spec's range (amounts of money are never negative). Values known only when settling
    /// are checked then.
    /// </summary>
    private void CheckRange(ParameterSpec spec, BoundExpression bound, string what, TypeExpectation type)
    {
        if ((spec.Min is null && spec.Max is null && !type.WholeNumber) || Evaluator.TryConstant(bound) is not { Kind: ValueKind.Number } value)
        {
            return;
        }
        // Show a plain number given for a percent setting as the percent it means (2 is 200%), and a year as a year.
        var shown = bound.Type.Dimension.IsNone && type == TypeExpectation.Percent ? ValueType.Percent
            : bound.Type.Dimension.IsNone && type == TypeExpectation.Year ? ValueType.Year
            : bound.Type;
        string Show(decimal d) => shown == ValueType.Year ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : Display.Format(d, shown);
        if (type.WholeNumber && value.Number != decimal.Truncate(value.Number))
        {
            _diagnostics.Add(BindingDiagnostics.NotWholeNumber(Source, bound.Span, Capitalize(what), Show(value.Number),
                type.Description, Show(decimal.Floor(value.Number)), Show(decimal.Ceiling(value.Number))));
            return;
        }
        if (value.Number < spec.Min || value.Number > spec.Max)
        {
            _diagnostics.Add(BindingDiagnostics.OutOfRange(Source, bound.Span, Capitalize(what), Show(value.Number), Display.Bounds(spec.Min, spec.Max, shown)));
        }
    }

    private static string Capitalize(string s) => s.Length > 0 && char.IsLower(s[0]) ? char.ToUpperInvariant(s[0]) + s[1..] : s;

    private BoundRange BindRange(ParameterSpec spec, RangeSyntax range, string what, TypeExpectation? type = null)
    {
        var low = range.Low is null ? null : BindChecked(spec, range.Low, $"The start of {what}", type);
        var high = range.High is null ? null : BindChecked(spec, range.High, $"The end of {what}", type);
        return new BoundRange(range.Form, low, high, range.Span);
    }

    private BoundRange BindSingleAsRange(ParameterSpec spec, ExpressionSyntax value, string what)
    {
        var bound = BindChecked(spec, value, what);
        return new BoundRange(RangeForm.Between, bound, bound, value.Span);
    }

    private BoundTable? BindTable(ParameterSpec spec, TableSyntax table)
    {
        var tableSpec = spec.Table!;
        BoundExpression? by = null;
        if (table.By is not null)
        {
            if (tableSpec.By is null)
            {
                _diagnostics.Add(BindingDiagnostics.TableProblem(Source, table.By.Span, $"'{spec.Key}' is not looked up 'by' a value: remove 'by ...' and keep the rows."));
            }
            else
            {
                var bySpec = spec with { Level = tableSpec.ByLevel, Min = null, Max = null };
                by = BindChecked(bySpec, table.By, $"The value '{spec.Key}' is looked up by", tableSpec.By);
            }
        }
        else if (tableSpec.ByRequired)
        {
            _diagnostics.Add(BindingDiagnostics.TableProblem(Source, table.Span,
                $"Say what '{spec.Key}' is looked up by: '{spec.Key}: by {(tableSpec.By == TypeExpectation.Count ? "assigned_beneficiaries" : "episode_type")} {{ ... }}'."));
        }

        if (table.Rows.Count == 0)
        {
            _diagnostics.Add(BindingDiagnostics.TableProblem(Source, table.Span, $"The table of '{spec.Key}' has no rows. Add rows such as '{spec.Example}'."));
            return null;
        }

        var keySpec = spec with { Level = EvaluationLevel.Run, Min = null, Max = null };
        var resultSpec = spec with { Level = EvaluationLevel.Run };
        var rows = new List<BoundTableRow>();
        foreach (var row in table.Rows)
        {
            BoundExpression? keyValue = null;
            BoundRange? keyRange = null;
            switch (row.Key)
            {
                case RangeSyntax r:
                    keyRange = BindRange(keySpec, r, "a row's key", tableSpec.Keys);
                    break;
                case ExpressionSyntax e when !tableSpec.KeysAreRanges:
                    keyValue = BindChecked(keySpec, e, "A row's key", tableSpec.Keys);
                    break;
                case ExpressionSyntax e:
                    keyRange = BindSingleAsRange(keySpec with { Type = tableSpec.Keys }, e, "A row's key");
                    break;
            }

            BoundExpression? result = null;
            BoundRange? resultRange = null;
            switch (row.Result)
            {
                case RangeSyntax r when tableSpec.ResultsMayInterpolate && r.Form == RangeForm.Between:
                    resultRange = BindRange(resultSpec, r, "a row's result", tableSpec.Results);
                    if (keyRange is not { Low: not null, High: not null } || keyRange.Form != RangeForm.Between)
                    {
                        _diagnostics.Add(BindingDiagnostics.TableProblem(Source, r.Span,
                            "A result written as a range is interpolated across the row's key range, so the key must be a range with two ends, for example '5,000 to 5,999: 3.9% to 3.6%'."));
                    }
                    break;
                case RangeSyntax r:
                    _diagnostics.Add(BindingDiagnostics.TableProblem(Source, r.Span, $"A row of '{spec.Key}' gives one value, not a range."));
                    break;
                case ExpressionSyntax e:
                    result = BindChecked(resultSpec, e, "A row's result", tableSpec.Results);
                    break;
            }
            rows.Add(new BoundTableRow(keyValue, keyRange, result, resultRange, row.Span));
        }
        var bound = new BoundTable(by, rows.ToEquatableArray(), table);
        CheckLookupRows(spec, bound);
        return bound;
    }

    /// <summary>
    /// '3.1% per year from 2023': the rate, bound as any item of the list, and the base year it compounds from, which
    /// must be a year written in the contract (the factor's exponent is known before any data is read).
    /// </summary>
    private (BoundExpression Rate, int From)? BindPerYear(ParameterSpec spec, PerYearSyntax perYear)
    {
        if (!spec.CompoundsByYear)
        {
            _diagnostics.Add(BindingDiagnostics.PerYearNotHere(Source, perYear.Span, spec.Key, SyntaxPrinter.Expression(perYear.Rate)));
            return null;
        }
        var rate = BindChecked(spec, perYear.Rate, $"Each item of '{spec.Key}'");
        var from = BindExpression(perYear.From);
        if (from.HasErrors())
        {
            return null;
        }
        if (Evaluator.TryConstant(from) is not { Kind: ValueKind.Number } year || from.Type != ValueType.Number && from.Type != ValueType.Year
            || year.Number != decimal.Truncate(year.Number) || year.Number < LevelClause.FirstYear || year.Number > LevelClause.LastYear)
        {
            _diagnostics.Add(BindingDiagnostics.BaseYearNotAYear(Source, perYear.From.Span, Source.GetText(perYear.From.Span), SyntaxPrinter.Expression(perYear.Rate)));
            return null;
        }
        return (rate, (int)year.Number);
    }

    private const string PerformanceYearName = "performance_year";

    /// <summary>A table by performance year: rows keyed by years or ranges of years, each giving the setting's own kind of value.</summary>
    private static TableSpec PerYearTable(ParameterSpec spec) =>
        new(TypeExpectation.Year, EvaluationLevel.Run, ByRequired: true, Keys: TypeExpectation.Year, KeysAreRanges: true, Results: spec.Type, ResultsMayInterpolate: false);

    private BoundExpression? BindTableLookup(ParameterSpec spec, TableSyntax syntax)
    {
        if (spec.Table is null)
        {
            return null;
        }
        var table = BindTable(spec, syntax);
        if (table?.By is null || table.By.HasErrors())
        {
            return null;
        }
        var resultType = table.Rows.Select(r => r.Result?.Type ?? r.ResultRange?.Low?.Type).FirstOrDefault(t => t is not null && !t.IsError) ?? ValueType.Error;
        var level = table.By.Level;
        return new BoundTableLookup(table, table.By, resultType, level, syntax.By!);
    }

    /// <summary>Rows of a lookup table must not hold the same value twice.</summary>
    private void CheckLookupRows(ParameterSpec spec, BoundTable table)
    {
        var seenKeys = new Dictionary<string, TextSpan>();
        foreach (var row in table.Rows)
        {
            if (row.KeyValue is { } k && Evaluator.TryConstant(k) is { } v)
            {
                var text = v.ToString();
                if (!seenKeys.TryAdd(text, row.Span))
                {
                    _diagnostics.Add(BindingDiagnostics.TableProblem(Source, row.Span, $"The table of '{spec.Key}' has two rows for {text}. Keep one."));
                }
            }
        }
        if (spec.Table!.By is null)
        {
            return; // bands are checked by their clause
        }
        bool whole = spec.Table.Keys == TypeExpectation.Count || spec.Table.Keys == TypeExpectation.Year;
        string Show(decimal d) => d.ToString("#,##0.######", System.Globalization.CultureInfo.InvariantCulture);
        var ranges = new List<(BoundTableRow Row, decimal? Low, decimal? High)>();
        bool rowsReported = false;
        foreach (var row in table.Rows.Where(r => r.KeyRange is not null))
        {
            decimal? low = ConstantOrNull(row.KeyRange!.Low), high = ConstantOrNull(row.KeyRange!.High);
            if (whole && (low is { } l0 && l0 != decimal.Truncate(l0) || high is { } h0 && h0 != decimal.Truncate(h0)))
            {
                rowsReported = true; // not a whole count: reported where the key was bound
                continue;
            }
            if (low > high)
            {
                // A reversed row holds no value at all: say so, rather than report the gaps and overlaps it seems to make.
                _diagnostics.Add(BindingDiagnostics.PeriodEndsBeforeStart(Source, row.KeyRange.Span, Show(low.Value), Show(high.Value), "row's range"));
                rowsReported = true;
                continue;
            }
            ranges.Add((row, low, high));
        }
        // Between rows, a stretch of values no row holds fails only at settlement: warn now. For counts, 5,999 and
        // 6,000 are next to each other.
        var ordered = ranges.Where(r => r.Low is not null || r.High is not null)
            .OrderBy(r => r.Low ?? decimal.MinValue).ThenBy(r => r.High ?? decimal.MaxValue).ToList();
        // A gap beside a row already reported is most likely that row's mistake: report the row alone.
        for (int i = 1; i < ordered.Count && !rowsReported; i++)
        {
            decimal? previousHigh = ordered[i - 1].High;
            decimal? low = ordered[i].Low;
            if (previousHigh is not { } h || low is not { } l)
            {
                continue;
            }
            bool adjacent = whole && h == Math.Floor(h) && l == Math.Floor(l) ? l <= h + 1 : l <= h;
            if (!adjacent)
            {
                _diagnostics.Add(BindingDiagnostics.TableGap(Source, ordered[i].Row.Span, spec.Key, Show(whole ? h + 1 : h), Show(whole ? l - 1 : l)));
            }
        }

        for (int i = 0; i < ranges.Count; i++)
        {
            for (int j = i + 1; j < ranges.Count; j++)
            {
                var (a, b) = (ranges[i], ranges[j]);
                decimal aLow = a.Low ?? decimal.MinValue, aHigh = a.High ?? decimal.MaxValue;
                decimal bLow = b.Low ?? decimal.MinValue, bHigh = b.High ?? decimal.MaxValue;
                bool touchOnly = (aHigh == bLow && (a.Row.KeyRange!.Form == RangeForm.Below || b.Row.KeyRange!.Form == RangeForm.Above))
                    || (bHigh == aLow && (b.Row.KeyRange!.Form == RangeForm.Below || a.Row.KeyRange!.Form == RangeForm.Above));
                if (aLow <= bHigh && bLow <= aHigh && !touchOnly)
                {
                    _diagnostics.Add(BindingDiagnostics.TableProblem(Source, b.Row.Span,
                        $"This row's key range overlaps the row on line {Source.GetPosition(a.Row.Span.Start).Line}. A value must find one row only."));
                }
            }
        }
    }

    private static decimal? ConstantOrNull(BoundExpression? e) => e is null ? null : Evaluator.TryConstant(e) is { Kind: ValueKind.Number } v ? v.Number : null;
}
