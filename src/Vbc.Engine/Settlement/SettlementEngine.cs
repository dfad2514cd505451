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
        var (inputs, inputProblems, usage) = ReadInputs(contract, request.Inputs);
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
            foreach (var batch in request.Data.Batches())
            {
                runner.Add(batch);
            }
            members = runner.Finish();
            problems.AddRange(request.Data.RowProblems.Where(d => d.IsError));
            problems.AddRange(members.Problems);
            if (problems.Count > 0)
            {
                return new SettlementResult(null, problems);
            }
            if (members.Population.Members == 0)
            {
                return Fail(SettlementDiagnostics.NoPopulation(at));
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
                unit.Kind.Settle(unit, settlement);
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
            .Select(i => new InputValue(i.Name, i.DeclaredType, i.Type, inputs[i]))
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

    private static (Dictionary<InputSymbol, Value> Values, List<Diagnostic> Problems, bool Usage) ReadInputs(BoundContract contract, IReadOnlyDictionary<string, string> given)
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
            var at = Location.In(contract.Source, input.Declaration);
            var text = given.FirstOrDefault(g => g.Key.Equals(input.Name, StringComparison.OrdinalIgnoreCase)).Value;
            if (text is null)
            {
                problems.Add(SettlementDiagnostics.MissingInput(at, input.Name, input.DeclaredType, InputParser.Example(input.DeclaredType).Split(' ')[0]));
                continue;
            }
            if (!InputParser.TryParse(text, input.Type, input.DeclaredType, out var value, out var example))
            {
                problems.Add(SettlementDiagnostics.InvalidInput(at, input.Name, input.DeclaredType, text, example));
                continue;
            }
            values[input] = value;
        }
        return (values, problems, false);
    }

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
