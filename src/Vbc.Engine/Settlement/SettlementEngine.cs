using Vbc.Clauses;
using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.MemberStage;
using Vbc.Semantics;

namespace Vbc.Settlement;

/// <summary>What to settle: the performance year, inputs as text, and the member-level data if the contract reads any.</summary>
public sealed record SettlementRequest
{
    public int? Year { get; init; }

    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>Where each input's text was written (a cell of an inputs file), for messages; else the declaration is named.</summary>
    public IReadOnlyDictionary<string, Location>? InputLocations { get; init; }

    public IMemberSource? Data { get; init; }

    /// <summary>Leave out rows that cannot be read or computed (and list them) instead of failing the run.</summary>
    public bool ExcludeBadRows { get; init; }

    /// <summary>The organisation settled, when one contract is settled for many (from an inputs file).</summary>
    public string? Organisation { get; init; }
}

/// <summary>The outcome of a settlement: a statement, or the diagnostics that stopped it.</summary>
public sealed record SettlementResult(Statement? Statement, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Statement is not null;

    /// <summary>Warnings of a successful settlement (rows left out of the data, for example): show them too.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = Array.Empty<Diagnostic>();

    /// <summary>True when the run failed because of how it was called (unknown input), rather than the contract or data.</summary>
    public bool IsUsageError { get; init; }
}

/// <summary>
/// Settles a bound contract: picks the clauses that apply in the performance year, runs the member-level stage
/// over the data, then settles each clause in the order their values depend on each other, and assembles the
/// statement. The same inputs always give the same statement.
/// </summary>
public static class SettlementEngine
{
    public static SettlementResult Settle(BoundContract contract, SettlementRequest request)
    {
        if (contract.HasErrors)
        {
            return new SettlementResult(null, contract.Diagnostics.Where(d => d.IsError).ToList());
        }
        var problems = new List<Diagnostic>();
        var at = Location.In(contract.Source, contract.ContractBlock?.Syntax.Header.Span ?? default);
        if (contract.HasSeveralTables)
        {
            // Refused rather than settled over the union of the tables' columns, which would read every table as one.
            var first = Location.In(contract.Source, contract.Tables[1].Declaration);
            return Fail(SettlementDiagnostics.SeveralTablesNotSettled(first, string.Join(", ", contract.Tables.Select(t => t.Name))));
        }

        // The performance year and the level that applies in it.
        int? year = request.Year ?? contract.DefaultYear;
        string period = contract.Info.PeriodStart is { } ps && contract.Info.PeriodEnd is { } pe ? $"{ps:yyyy-MM-dd} to {pe:yyyy-MM-dd}" : "";
        if (year is null)
        {
            return Fail(SettlementDiagnostics.NoYear(at, period));
        }
        if (contract.Info.PeriodStart is { } start && contract.Info.PeriodEnd is { } end && (year < start.Year || year > end.Year))
        {
            return Fail(SettlementDiagnostics.YearOutsidePeriod(at, year.Value, period));
        }
        var level = contract.LevelFor(year.Value);
        if (contract.Levels.Any() && level is null)
        {
            string levels = string.Join(", ", contract.Levels.Select(l => $"{l.Label} ({DescribeYears(l)})"));
            return Fail(SettlementDiagnostics.NoLevelForYear(at, year.Value, levels));
        }

        // Inputs.
        var (inputs, inputProblems, usage) = ReadInputs(contract, request.Inputs, request.InputLocations);
        if (inputProblems.Count > 0)
        {
            return new SettlementResult(null, inputProblems) { IsUsageError = usage };
        }

        var units = Order(contract.ClausesFor(year.Value).ToList());

        // The member-level stage.
        MemberStageResult? members = null;
        DataSource? data = null;
        if (contract.UsesMemberData)
        {
            if (request.Data is null)
            {
                return Fail(SettlementDiagnostics.NoData(at));
            }
            var plan = new MemberPlan(contract);
            foreach (var clause in units.SelectMany(ClauseDependencies.WithDescendants))
            {
                clause.Kind.PlanMembers(clause, plan);
            }
            var specs = contract.Columns.Select(ColumnSpec.From).ToList();
            var header = request.Data.Open(specs);
            if (header.Any(d => d.IsError))
            {
                return new SettlementResult(null, header);
            }
            var context = new SettlementContext(contract, year.Value, inputs, null);
            MemberStageRunner runner;
            try
            {
                runner = new MemberStageRunner(plan, specs, context.Resolve, request.Data.Name, request.ExcludeBadRows);
            }
            catch (EvaluationException e)
            {
                return Fail(SettlementDiagnostics.EvaluationFailed(Location.In(contract.Source, e.Span), e.Message));
            }
            try
            {
                foreach (var batch in request.Data.Batches())
                {
                    runner.Add(batch);
                }
                members = runner.Finish();
            }
            catch (ArithmeticException)
            {
                // Row sums are checked row by row (VBC3040 names the row); this is a sum over the whole population.
                return Fail(SettlementDiagnostics.PopulationSumNotExact(new Location(request.Data.Name, 1, 1),
                    "the population's totals (counted cost after truncation, or a total by group)"));
            }
            problems.AddRange(request.Data.RowProblems.Where(d => d.IsError || d.Code == "VBC0001"));
            problems.AddRange(members.Problems);
            if (problems.Count > 0)
            {
                return new SettlementResult(null, problems);
            }
            if (members.Population.Members == 0)
            {
                // With --exclude-bad-rows every row may have been left out: show why, before "no population".
                var why = request.Data.RowProblems.Where(d => !d.IsError).Concat(members.LeftOutWarnings).ToList();
                return new SettlementResult(null, why.Append(SettlementDiagnostics.NoPopulation(at)).ToList());
            }
            if (!members.Population.Conserved)
            {
                return Fail(SettlementDiagnostics.ConservationBroken(at, Conservation(members.Population)));
            }
            data = new DataSource(request.Data.Name, request.Data.IgnoredColumns,
                request.Data.UnreadableRows.Concat(members.RowsLeftOut).ToList(), request.Data.ClaimsFile, request.Data.ClaimsNotes);
        }

        // Settlement, clause by clause.
        var settlement = new SettlementContext(contract, year.Value, inputs, members);
        foreach (var unit in units)
        {
            try
            {
                settlement.BeginClause();
                unit.Kind.Settle(unit, settlement);
            }
            catch (ArithmeticException)
            {
                // The boundary of each clause step: a product or quotient of the clause's own arithmetic that decimal
                // cannot hold (or a division by zero it did not foresee) becomes a diagnostic naming the values used.
                string used = settlement.UsedValues;
                if (used == "none" && members?.Population is { } p)
                {
                    used = $"counted cost A = {Display.Money(p.CountedCost)}; member months M = {p.MemberMonths}";
                }
                return Fail(SettlementDiagnostics.TooLargeToCompute(Location.In(contract.Source, unit.Syntax.Header.Span), $"'{unit.Title}'", used));
            }
            catch (SettlementStopped)
            {
                return new SettlementResult(null, settlement.Problems);
            }
            catch (EvaluationException e)
            {
                return Fail(SettlementDiagnostics.EvaluationFailed(Location.In(contract.Source, e.Span), e.Message));
            }
        }

        var lines = settlement.Lines.Concat(settlement.ValueLines()).ToList();
        decimal total = lines.Where(l => l.Kind == LineKind.Component).Sum(l => l.Amount!.Value);
        var inputValues = contract.Inputs
            .Select(i => new InputValue(i.Name, i.DeclaredType, i.Type, inputs.TryGetValue(i, out var v) ? v : null))
            .ToList();
        var statement = new Statement(contract.Info, contract.Source.Path, year.Value, level?.Label, request.Organisation,
            inputValues, data, members?.Population, lines, total);
        var warnings = (request.Data?.RowProblems ?? Array.Empty<Diagnostic>()).Where(d => !d.IsError).ToList();
        return new SettlementResult(statement, Array.Empty<Diagnostic>()) { Warnings = warnings };
    }

    private static SettlementResult Fail(Diagnostic diagnostic) => new(null, new[] { diagnostic });

    private static string DescribeYears(BoundClause level) =>
        LevelClause.Years(level) is { } y ? (y.First == y.Last ? $"{y.First}" : $"{y.First} to {y.Last}") : "?";

    private static string Conservation(PopulationSummary p) =>
        $"input {p.InputCost} vs excluded {p.ExcludedCost} + carved out {p.CarvedOut} + truncated {p.TruncatedExcess} + counted {p.CountedCost}";

    private static (Dictionary<InputSymbol, Value> Values, List<Diagnostic> Problems, bool Usage) ReadInputs(
        BoundContract contract, IReadOnlyDictionary<string, string> given, IReadOnlyDictionary<string, Location>? locations)
    {
        var values = new Dictionary<InputSymbol, Value>();
        var problems = new List<Diagnostic>();
        var byName = contract.Inputs.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var name in given.Keys.Where(n => !byName.ContainsKey(n)))
        {
            problems.Add(SettlementDiagnostics.UnknownInput(name, BindingDiagnostics.ListOf(contract.Inputs.Select(i => i.Name))));
        }
        if (problems.Count > 0)
        {
            return (values, problems, true);
        }
        foreach (var input in contract.Inputs)
        {
            var declared = Location.In(contract.Source, input.Declaration);
            var text = given.FirstOrDefault(g => g.Key.Equals(input.Name, StringComparison.OrdinalIgnoreCase)).Value;
            if (text is null)
            {
                // An input the contract never reads (the checker warned VBC2028) changes no number: it is not required.
                if (!IsUnused(contract, input))
                {
                    problems.Add(SettlementDiagnostics.MissingInput(declared, input.Name, input.DeclaredType, InputParser.Example(input.DeclaredType).Split(' ')[0]));
                }
                continue;
            }
            var at = locations is not null && locations.TryGetValue(input.Name, out var cell) ? cell : declared;
            switch (InputParser.Parse(text, input.Type, out var value))
            {
                case InputOutcome.Ok:
                    values[input] = value;
                    break;
                case InputOutcome.TooManyDigits:
                    problems.Add(SettlementDiagnostics.InputTooManyDigits(at, input.Name, text));
                    break;
                default:
                    problems.Add(SettlementDiagnostics.InvalidInput(at, input.Name, input.DeclaredType, text, InputParser.Example(input.DeclaredType)));
                    break;
            }
        }
        return (values, problems, false);
    }

    /// <summary>Whether the checker found the input declared but never used (its VBC2028 warning at the declaration).</summary>
    internal static bool IsUnused(BoundContract contract, InputSymbol input) =>
        contract.Diagnostics.Any(d => d.Code == "VBC2028" && d.Location.Span == input.Declaration);

    /// <summary>
    /// Clauses in an order where every clause comes after the clauses whose values it reads; otherwise in the order
    /// written. (The binder has already ruled out circles.)
    /// </summary>
    internal static List<BoundClause> Order(List<BoundClause> units)
    {
        var producers = units
            .SelectMany(u => ClauseDependencies.OutputsOf(u).Select(o => (o.Name, Unit: u)))
            .ToLookup(x => x.Name, x => x.Unit, StringComparer.OrdinalIgnoreCase);
        var ordered = new List<BoundClause>();
        var state = new Dictionary<BoundClause, bool>();

        void Visit(BoundClause unit)
        {
            if (state.ContainsKey(unit))
            {
                return;
            }
            state[unit] = false;
            foreach (var producer in ClauseDependencies.NamesRead(unit).SelectMany(n => producers[n]))
            {
                if (producer != unit)
                {
                    Visit(producer);
                }
            }
            state[unit] = true;
            ordered.Add(unit);
        }

        foreach (var unit in units)
        {
            Visit(unit);
        }
        return ordered;
    }
}
