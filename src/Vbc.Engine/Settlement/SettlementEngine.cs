using Vbc.Clauses;
using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.MemberLevel;
using Vbc.MemberStage;
using Vbc.Semantics;
using Vbc.Syntax;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Settlement;

/// <summary>What to settle: the performance year, inputs as text, and the member-level data if the contract reads any.</summary>
public sealed record SettlementRequest
{
    public int? Year { get; init; }

    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>Where each input's text was written (a cell of an inputs file), for messages; else the declaration is named.</summary>
    public IReadOnlyDictionary<string, Location>? InputLocations { get; init; }

    public IMemberSource? Data { get; init; }

    /// <summary>
    /// Where the member-level stage runs: null or <see cref="MemberStageBackend.InMemory"/> reads <see cref="Data"/> with
    /// the column kernels; a database backend (DuckDB, PostgreSQL) runs the compiled IR where its data is. The
    /// settlement stage is the same for every backend.
    /// </summary>
    public MemberStageBackend? Engine { get; init; }

    /// <summary>For a contract with several tables: one source per declared table, by table name.</summary>
    public IReadOnlyDictionary<string, IMemberSource>? Tables { get; init; }

    /// <summary>Leave out rows that cannot be read or computed (and list them) instead of failing the run.</summary>
    public bool ExcludeBadRows { get; init; }

    /// <summary>The organisation settled, when one contract is settled for many (from an inputs file).</summary>
    public string? Organisation { get; init; }

    /// <summary>
    /// The member-level stage of an earlier settlement of the same contract, year and inputs: the data is not read
    /// again, only the settlement stage runs (a payout curve settles hundreds of points over one reading).
    /// </summary>
    public MemberLevelRun? MemberLevel { get; init; }

    /// <summary>Values the contract computes, pinned by name to a given amount (<c>actual</c>, <c>quality_composite</c>): what-if runs.</summary>
    public IReadOnlyDictionary<string, decimal>? Pin { get; init; }
}

/// <summary>What the member-level stage of a settlement gave: reusable by <see cref="SettlementRequest.MemberLevel"/>.</summary>
public sealed class MemberLevelRun
{
    internal MemberLevelRun(BoundContract contract, int year, MemberStageResult? members, DataSource? data, IReadOnlyList<Diagnostic> warnings,
        IReadOnlyDictionary<InputSymbol, Value> inputsRead)
    {
        Contract = contract;
        InputsRead = inputsRead;
        Year = year;
        Members = members;
        Data = data;
        Warnings = warnings;
    }

    internal BoundContract Contract { get; }

    internal int Year { get; }

    internal MemberStageResult? Members { get; }

    internal DataSource? Data { get; }

    internal IReadOnlyList<Diagnostic> Warnings { get; }

    /// <summary>The inputs the member-level stage read, with their values: it can be reused only where they are the same.</summary>
    internal IReadOnlyDictionary<InputSymbol, Value> InputsRead { get; }

    /// <summary>Each table's program and source map, in the order read: another contract with the same programs reuses the run.</summary>
    internal IReadOnlyList<LoweredTable> Lowered { get; init; } = Array.Empty<LoweredTable>();

    /// <summary>The member-level work this run did: a contract whose IR is equal may settle over it (<see cref="SettlementRequest.MemberLevel"/>).</summary>
    public MemberLevelIr Ir => new(Lowered.Select(t => t.Program).ToEquatableArray());

    /// <summary>The inputs the member-level stage read (their values are folded into it): pinning one of them needs the data read again.</summary>
    public IReadOnlyList<string> InputsReadPerMember => InputsRead.Keys.Select(i => i.Name).ToList();
}

/// <summary>The outcome of a settlement: a statement, or the diagnostics that stopped it.</summary>
public sealed record SettlementResult(Statement? Statement, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Statement is not null;

    /// <summary>Warnings of a successful settlement (rows left out of the data, for example): show them too.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = Array.Empty<Diagnostic>();

    /// <summary>True when the run failed because of how it was called (unknown input), rather than the contract or data.</summary>
    public bool IsUsageError { get; init; }

    /// <summary>The member-level stage's result, to settle the same data again without reading it (<see cref="SettlementRequest.MemberLevel"/>).</summary>
    public MemberLevelRun? MemberLevel { get; init; }

    /// <summary>Every value the clauses computed, by name (<c>benchmark</c>, <c>savings_rate</c>, <c>actual</c>...).</summary>
    public IReadOnlyDictionary<string, Value> Outputs { get; init; } = new Dictionary<string, Value>();
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
        var (year, level, wrongYear) = YearAndLevel(contract, request, at);
        if (wrongYear is not null)
        {
            return Fail(wrongYear);
        }

        // Inputs.
        var (inputs, inputProblems, usage) = ReadInputs(contract, request.Inputs, request.InputLocations);
        if (inputProblems.Count > 0)
        {
            return new SettlementResult(null, inputProblems) { IsUsageError = usage };
        }

        var units = OrderedClauses(contract, year);

        // The member-level stage: once over the one table, or once per table over the clauses that read it.
        MemberStageResult? members = null;
        DataSource? data = null;
        var dataWarnings = new List<Diagnostic>();
        IReadOnlyDictionary<InputSymbol, Value> memberInputs = new Dictionary<InputSymbol, Value>();
        var lowered = new List<LoweredTable>();
        if (request.MemberLevel is { } reused)
        {
            if (reused.Year != year)
            {
                throw new ArgumentException("A member-level run is reused only for the year it was made for.", nameof(request));
            }
            foreach (var (input, value) in reused.InputsRead)
            {
                Value? now = request.Pin is not null && request.Pin.TryGetValue(input.Name, out var pinned) ? Value.Of(pinned)
                    : inputs.Where(i => string.Equals(i.Key.Name, input.Name, StringComparison.OrdinalIgnoreCase)).Select(i => (Value?)i.Value).FirstOrDefault();
                if (now is not { } current || !current.Equals(value))
                {
                    throw new ArgumentException($"The member-level stage read the input '{input.Name}', which differs in this run: it cannot be reused.", nameof(request));
                }
            }
            members = reused.Members;
            lowered.AddRange(reused.Lowered);
            if (!ReferenceEquals(reused.Contract, contract) && members is not null)
            {
                // Another contract (a version of it) whose member-level IR is the same: its clauses read the same sums.
                (members, var other) = Rebind(reused, contract, request);
                lowered.Clear();
                lowered.AddRange(other);
            }
            data = reused.Data;
            dataWarnings.AddRange(reused.Warnings);
            memberInputs = reused.InputsRead;
        }
        else if (contract.UsesMemberData)
        {
            var context = new SettlementContext(contract, year, inputs, null);
            memberInputs = context.InputsRead;
            var clauses = units.SelectMany(ClauseDependencies.WithDescendants).ToList();
            if (contract.RootTable is not { } root)
            {
                if (request.Data is null && (request.Engine ?? MemberStageBackend.InMemory).ReadsRequestData)
                {
                    return Fail(SettlementDiagnostics.NoData(at));
                }
                var plan = new MemberPlan(contract);
                foreach (var clause in clauses)
                {
                    clause.Kind.PlanMembers(clause, plan);
                }
                var (stage, failed, read) = RunStage(plan, true, request.Data, request, context, at, null, lowered);
                if (failed is not null)
                {
                    return failed;
                }
                members = stage!;
                data = new DataSource(read!.Name, read.IgnoredColumns,
                    read.UnreadableRows.Concat(members.RowsLeftOut).ToList(), read.ClaimsFile, read.ClaimsNotes);
                dataWarnings.AddRange(read.RowProblems.Where(d => !d.IsError));
            }
            else if (request.Engine is { ReadsRequestData: false } engine)
            {
                // Every table in the database, from the one query the SQL compiler writes for them (docs/sql.md).
                var (inDatabase, tablesData, failedRun) = TablesInDatabase(contract, request, engine, root, clauses, context, at, lowered);
                if (failedRun is not null)
                {
                    return failedRun;
                }
                members = inDatabase;
                data = tablesData!.Value.Source;
                dataWarnings.AddRange(tablesData.Value.Warnings);
            }
            else
            {
                // Totals are keyed by clause and key, so the stages' totals combine; the root table's rows are the
                // population. Each table is read after the tables it joins to, so its join ids can be looked up.
                var ids = new Dictionary<string, (HashSet<string> Ids, string File)>(StringComparer.OrdinalIgnoreCase);
                var totals = new Dictionary<(BoundClause, string), decimal>();
                var groups = new Dictionary<(BoundClause, string), IReadOnlyList<(string Group, decimal Sum, long Count)>>();
                var tableSources = new List<TableSource>();
                // With --exclude-bad-rows, every table's rows left out, each named with its table and file.
                var leftOut = new List<ExcludedRow>();
                MemberStageResult? rootStage = null;
                foreach (var table in InJoinOrder(contract.Tables))
                {
                    var declared = Location.In(contract.Source, table.Declaration);
                    if (request.Tables is null || !request.Tables.TryGetValue(table.Name, out var source))
                    {
                        return Fail(SettlementDiagnostics.NoTableData(declared, table.Name));
                    }
                    bool isRoot = ReferenceEquals(table, root);
                    var (plan, refused) = PlanTable(contract, table, root, clauses);
                    if (refused is not null)
                    {
                        return Fail(refused);
                    }
                    bool joinedTo = contract.Tables.Any(t => t.Joins.Any(j => string.Equals(j.JoinsTo, table.Name, StringComparison.OrdinalIgnoreCase)));
                    var joins = new JoinCheck(table, source.Name, ids, joinedTo);
                    var (stage, failed, _) = RunStage(plan!, isRoot, source, request, context, declared, joins.Observe, lowered);
                    if (failed is not null)
                    {
                        return failed;
                    }
                    foreach (var (key, value) in stage!.Totals)
                    {
                        totals[key] = value;
                    }
                    foreach (var (key, value) in stage.Groups)
                    {
                        groups[key] = value;
                    }
                    if (isRoot)
                    {
                        rootStage = stage;
                        data = new DataSource(source.Name, source.IgnoredColumns,
                            source.UnreadableRows.Concat(stage.RowsLeftOut).ToList(), source.ClaimsFile, source.ClaimsNotes);
                    }
                    leftOut.AddRange(source.UnreadableRows.Concat(stage.RowsLeftOut).Select(r => r with { Table = table.Name, File = source.Name }));
                    dataWarnings.AddRange(source.RowProblems.Where(d => !d.IsError));
                    dataWarnings.AddRange(joins.Warnings());
                    tableSources.Add(new TableSource(table.Name, source.Name, joins.Rows, joins.Dollars,
                        stage.Population.Conserved, joins.UnmatchedRows, joins.UnmatchedDollars) { MoneyMeasured = joins.HasMoney });
                }
                members = new MemberStageResult
                {
                    Population = rootStage!.Population,
                    Totals = totals,
                    Groups = groups,
                    Problems = Array.Empty<Diagnostic>(),
                    RowsLeftOut = rootStage.RowsLeftOut,
                };
                data = data! with { Tables = tableSources, ExcludedRows = leftOut };
            }
        }

        // Settlement, clause by clause.
        var settlement = new SettlementContext(contract, year, inputs, members) { Pinned = request.Pin };
        foreach (var unit in units)
        {
            try
            {
                settlement.BeginClause(unit);
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
        var statement = new Statement(contract.Info, contract.Source.Path, year, level?.Label, request.Organisation,
            inputValues, data, members?.Population, lines, total)
        {
            Plugins = PluginsUsed(contract),
        };
        return new SettlementResult(statement, Array.Empty<Diagnostic>())
        {
            Warnings = dataWarnings,
            MemberLevel = new MemberLevelRun(contract, year, members, data, dataWarnings, new Dictionary<InputSymbol, Value>(memberInputs)) { Lowered = lowered },
            Outputs = new Dictionary<string, Value>(settlement.Outputs, StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>
    /// A contract with several tables whose member-level stage runs in a database: every table's figures from the one
    /// query, checked as each table's stage is checked in memory, with the tables' rows, dollars and unmatched rows
    /// for the statement. When the database gives way to vbc's own reader (a value it does not read, a row it cannot
    /// compute or join), the whole run is settled in memory over the same files, which names every problem as
    /// without --engine; if that run leaves nothing out and the database had a reason, the run is refused with it.
    /// </summary>
    private static (MemberStageResult? Members, (DataSource Source, List<Diagnostic> Warnings)? Data, SettlementResult? Failed) TablesInDatabase(
        BoundContract contract, SettlementRequest request, MemberStageBackend engine, DataTable root, IReadOnlyList<BoundClause> clauses,
        SettlementContext context, Location at, List<LoweredTable> lowered)
    {
        var ordered = InJoinOrder(contract.Tables);
        var jobs = new List<TableJob>();
        foreach (var table in ordered)
        {
            var (plan, refused) = PlanTable(contract, table, root, clauses);
            if (refused is not null)
            {
                return (null, null, Fail(refused));
            }
            bool isRoot = ReferenceEquals(table, root);
            jobs.Add(new TableJob(table.Name, () => MemberLevelLowering.Lower(plan!, context.Resolve, isRoot),
                plan!.Contract.Columns.Select(ColumnSpec.From).ToList(), isRoot,
                table.Joins.Select(j => (j.Name, j.JoinsTo!)).ToList(), request.ExcludeBadRows));
        }
        TablesRun run;
        try
        {
            run = engine.RunTables(jobs, at) ?? throw new InvalidOperationException($"The {engine.Name} engine does not run several tables.");
        }
        catch (EvaluationException e)
        {
            return (null, null, Fail(SettlementDiagnostics.EvaluationFailed(Location.In(contract.Source, e.Span), e.Message)));
        }
        if (run.Failure.Count > 0)
        {
            return (null, null, new SettlementResult(null, run.Failure));
        }
        if (run.ReadByVbc is { } open)
        {
            var sources = open();
            try
            {
                var own = Settle(contract, request with { Engine = null, Data = null, Tables = sources });
                bool leftOut = own.Statement?.Data?.ExcludedRows.Count > 0;
                return (null, null, own.Succeeded && run.WhyNot is { } whyNot && !leftOut ? Fail(whyNot) : own);
            }
            finally
            {
                foreach (var source in sources.Values.OfType<IDisposable>())
                {
                    source.Dispose();
                }
            }
        }
        var totals = new Dictionary<(BoundClause, string), decimal>();
        var groups = new Dictionary<(BoundClause, string), IReadOnlyList<(string Group, decimal Sum, long Count)>>();
        var tableSources = new List<TableSource>();
        var warnings = new List<Diagnostic>();
        MemberStageResult? rootStage = null;
        DataSource? data = null;
        for (int t = 0; t < ordered.Count; t++)
        {
            var table = ordered[t];
            var figures = run.Tables[t];
            lowered.Add(figures.Lowered);
            var (stage, failed) = CheckStage(figures.Result, figures.Data.RowProblems, Location.In(contract.Source, table.Declaration));
            if (failed is not null)
            {
                return (null, null, failed);
            }
            foreach (var (key, value) in stage!.Totals)
            {
                totals[key] = value;
            }
            foreach (var (key, value) in stage.Groups)
            {
                groups[key] = value;
            }
            if (ReferenceEquals(table, root))
            {
                rootStage = stage;
                data = new DataSource(figures.Data.Name, figures.Data.IgnoredColumns, Array.Empty<ExcludedRow>(), null, null);
            }
            warnings.AddRange(figures.Data.RowProblems.Where(d => !d.IsError));
            warnings.AddRange(figures.Warnings);
            tableSources.Add(new TableSource(table.Name, figures.Data.Name, figures.Rows, figures.Dollars, stage.Population.Conserved,
                figures.UnmatchedRows, figures.UnmatchedDollars) { MoneyMeasured = figures.HasMoney });
        }
        var members = new MemberStageResult
        {
            Population = rootStage!.Population,
            Totals = totals,
            Groups = groups,
            Problems = Array.Empty<Diagnostic>(),
            RowsLeftOut = Array.Empty<ExcludedRow>(),
        };
        return (members, (data! with { Tables = tableSources, ExcludedRows = Array.Empty<ExcludedRow>() }, warnings), null);
    }

    /// <summary>
    /// The sums of a member-level run, read back by another contract's clauses: the two contracts' programs must be
    /// equal (the IR compares the work alone), and the k-th sum of a table belongs to the k-th requester on each side.
    /// </summary>
    private static (MemberStageResult Members, IReadOnlyList<LoweredTable> Lowered) Rebind(MemberLevelRun reused, BoundContract contract, SettlementRequest request)
    {
        var (ir, tables, failed) = LowerMemberLevel(contract, request with { MemberLevel = null });
        if (failed is not null || ir is null || !ir.Equals(reused.Ir))
        {
            throw new ArgumentException("A member-level run is reused only by a contract whose member-level IR is the same.", nameof(request));
        }
        var members = reused.Members!;
        var totals = new Dictionary<(BoundClause, string), decimal>();
        var groups = new Dictionary<(BoundClause, string), IReadOnlyList<(string Group, decimal Sum, long Count)>>();
        for (int t = 0; t < tables.Count; t++)
        {
            var program = tables[t].Program;
            for (int k = 0; k < program.Totals.Count; k++)
            {
                string key = program.Totals[k].Key;
                totals[(tables[t].Map.Totals[k].Owner, key)] = members.Totals[(reused.Lowered[t].Map.Totals[k].Owner, key)];
            }
            for (int k = 0; k < program.Groups.Count; k++)
            {
                string key = program.Groups[k].Key;
                groups[(tables[t].Map.Groups[k].Owner, key)] = members.Groups[(reused.Lowered[t].Map.Groups[k].Owner, key)];
            }
        }
        return (new MemberStageResult
        {
            Population = members.Population,
            Totals = totals,
            Groups = groups,
            Problems = members.Problems,
            RowsLeftOut = members.RowsLeftOut,
            LeftOutWarnings = members.LeftOutWarnings,
        }, tables);
    }

    /// <summary>The plug-ins whose clauses the contract holds, at the top or nested (in a level), once each, by name.</summary>
    private static IReadOnlyList<PluginPin> PluginsUsed(BoundContract contract)
    {
        IEnumerable<BoundClause> Walk(BoundClause c) => c.Children.SelectMany(Walk).Prepend(c);
        return contract.Clauses.SelectMany(Walk).Select(c => c.Kind).OfType<Vbc.Clauses.Authoring.PluginClause>().Select(k => k.Pin).OfType<PluginPin>()
            .Distinct().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    private static SettlementResult Fail(Diagnostic diagnostic) => new(null, new[] { diagnostic });

    /// <summary>The year settled (asked for, or the period's) and the level that applies in it; or why there is none.</summary>
    private static (int Year, BoundClause? Level, Diagnostic? Problem) YearAndLevel(BoundContract contract, SettlementRequest request, Location at)
    {
        int? year = request.Year ?? contract.DefaultYear;
        string period = contract.Info.PeriodStart is { } ps && contract.Info.PeriodEnd is { } pe ? $"{ps:yyyy-MM-dd} to {pe:yyyy-MM-dd}" : "";
        if (year is null)
        {
            return (0, null, SettlementDiagnostics.NoYear(at, period));
        }
        if (contract.Info.PeriodStart is { } start && contract.Info.PeriodEnd is { } end && (year < start.Year || year > end.Year))
        {
            return (0, null, SettlementDiagnostics.YearOutsidePeriod(at, year.Value, period));
        }
        var level = contract.LevelFor(year.Value);
        if (contract.Levels.Any() && level is null)
        {
            string levels = string.Join(", ", contract.Levels.Select(l => $"{l.Label} ({DescribeYears(l)})"));
            return (0, null, SettlementDiagnostics.NoLevelForYear(at, year.Value, levels));
        }
        return (year.Value, level, null);
    }

    /// <summary>
    /// What the clauses that read one table of several ask of the member-level stage; only the population table may
    /// filter the population, measure cost or truncate it (a refusal names the clause that asked).
    /// </summary>
    private static (MemberPlan? Plan, Diagnostic? Refused) PlanTable(BoundContract contract, DataTable table, DataTable root, IReadOnlyList<BoundClause> clauses)
    {
        bool isRoot = ReferenceEquals(table, root);
        var plan = new MemberPlan(contract.ForTable(table));
        foreach (var clause in clauses.Where(c => string.Equals(c.DataTable ?? root.Name, table.Name, StringComparison.OrdinalIgnoreCase)))
        {
            int before = plan.PopulationRequests;
            clause.Kind.PlanMembers(clause, plan);
            if (!isRoot && plan.PopulationRequests > before)
            {
                return (null, SettlementDiagnostics.SeveralTablesNotSettled(Location.In(contract.Source, clause.Syntax.Header.Span), clause.Title, table.Name, root.Name));
            }
        }
        return (plan, null);
    }

    /// <summary>
    /// The member-level IR of a run, without reading any data (<c>vbc check --dump ir</c>): the year, level and inputs are
    /// checked as for a settlement, the clauses of the year plan their work, and each table's plan is lowered with the
    /// run's values. A contract without data has no programs (and needs no inputs for them).
    /// </summary>
    public static (MemberLevelIr? Ir, IReadOnlyList<LoweredTable> Tables, SettlementResult? Failed) LowerMemberLevel(BoundContract contract, SettlementRequest request)
    {
        var (ir, tables, failed, _) = Lower(contract, request);
        return (ir, tables, failed);
    }

    /// <summary>
    /// <see cref="LowerMemberLevel"/>, with what a member-level stage run elsewhere needs to be handed back to
    /// <see cref="Settle"/> (<see cref="MemberLevelRun"/>): the year and the inputs the programs read.
    /// </summary>
    internal static (MemberLevelIr? Ir, IReadOnlyList<LoweredTable> Tables, SettlementResult? Failed, (int Year, IReadOnlyDictionary<InputSymbol, Value> InputsRead) Run) Lower(
        BoundContract contract, SettlementRequest request)
    {
        var none = Array.Empty<LoweredTable>();
        (int, IReadOnlyDictionary<InputSymbol, Value>) noRun = (0, new Dictionary<InputSymbol, Value>());
        if (contract.HasErrors)
        {
            return (null, none, new SettlementResult(null, contract.Diagnostics.Where(d => d.IsError).ToList()), noRun);
        }
        if (!contract.UsesMemberData)
        {
            return (new MemberLevelIr(EquatableArray<MemberProgram>.Empty), none, null, noRun);
        }
        var at = Location.In(contract.Source, contract.ContractBlock?.Syntax.Header.Span ?? default);
        var (year, _, wrongYear) = YearAndLevel(contract, request, at);
        if (wrongYear is not null)
        {
            return (null, none, Fail(wrongYear), noRun);
        }
        var (inputs, inputProblems, usage) = ReadInputs(contract, request.Inputs, request.InputLocations);
        if (inputProblems.Count > 0)
        {
            return (null, none, new SettlementResult(null, inputProblems) { IsUsageError = usage }, noRun);
        }
        var lowered = new List<LoweredTable>();
        IReadOnlyDictionary<InputSymbol, Value> read;
        {
            var context = new SettlementContext(contract, year, inputs, null);
            read = context.InputsRead;
            var clauses = OrderedClauses(contract, year).SelectMany(ClauseDependencies.WithDescendants).ToList();
            try
            {
                if (contract.RootTable is not { } root)
                {
                    var plan = new MemberPlan(contract);
                    foreach (var clause in clauses)
                    {
                        clause.Kind.PlanMembers(clause, plan);
                    }
                    lowered.Add(MemberLevelLowering.Lower(plan, context.Resolve));
                }
                else
                {
                    foreach (var table in InJoinOrder(contract.Tables))
                    {
                        var (plan, refused) = PlanTable(contract, table, root, clauses);
                        if (refused is not null)
                        {
                            return (null, none, Fail(refused), noRun);
                        }
                        lowered.Add(MemberLevelLowering.Lower(plan!, context.Resolve, ReferenceEquals(table, root)));
                    }
                }
            }
            catch (EvaluationException e)
            {
                return (null, none, Fail(SettlementDiagnostics.EvaluationFailed(Location.In(contract.Source, e.Span), e.Message)), noRun);
            }
        }
        return (new MemberLevelIr(lowered.Select(t => t.Program).ToEquatableArray()), lowered, null, (year, new Dictionary<InputSymbol, Value>(read)));
    }

    /// <summary>
    /// Runs one table's member-level stage on the request's engine: a result, or the settlement result that stops the
    /// run. The table's lowered program is added to <paramref name="lowered"/> (kept on the run for reuse by the pricer).
    /// </summary>
    private static (MemberStageResult? Stage, SettlementResult? Failed, StageData? Read) RunStage(MemberPlan plan, bool isPopulation, IMemberSource? source,
        SettlementRequest request, SettlementContext context, Location at, Action<ColumnBatch, IReadOnlyList<ColumnSpec>>? observe, List<LoweredTable> lowered)
    {
        var contract = plan.Contract;
        var specs = contract.Columns.Select(ColumnSpec.From).ToList();
        var engine = request.Engine ?? MemberStageBackend.InMemory;
        StageRun run;
        try
        {
            run = engine.Run(new StageJob(() =>
            {
                var table = MemberLevelLowering.Lower(plan, context.Resolve, isPopulation);
                lowered.Add(table);
                return table;
            }, specs, source, request.ExcludeBadRows, observe, at));
        }
        catch (EvaluationException e)
        {
            return (null, Fail(SettlementDiagnostics.EvaluationFailed(Location.In(contract.Source, e.Span), e.Message)), null);
        }
        if (run.Result is not { } members)
        {
            return (null, new SettlementResult(null, run.Failure), null);
        }
        var read = run.Data!;
        var (stage, failed) = CheckStage(members, read.RowProblems, at);
        return (stage, failed, failed is null ? read : null);
    }

    /// <summary>
    /// What stops a run once its rows are read: the reader's errors and the stage's row problems, no member in the
    /// population, dollars that do not add up. <paramref name="readerProblems"/> are the source's row problems.
    /// </summary>
    internal static (MemberStageResult? Stage, SettlementResult? Failed) CheckStage(MemberStageResult members, IReadOnlyList<Diagnostic> readerProblems, Location at)
    {
        var problems = readerProblems.Where(d => d.IsError || d.Code == "VBC0001").Concat(members.Problems).ToList();
        if (problems.Count > 0)
        {
            return (null, new SettlementResult(null, problems));
        }
        if (members.Population.Members == 0)
        {
            // With --exclude-bad-rows every row may have been left out: show why, before "no population".
            var why = readerProblems.Where(d => !d.IsError).Concat(members.LeftOutWarnings).ToList();
            return (null, new SettlementResult(null, why.Append(SettlementDiagnostics.NoPopulation(at)).ToList()));
        }
        if (!members.Population.Conserved)
        {
            return (null, Fail(SettlementDiagnostics.ConservationBroken(at, Conservation(members.Population))));
        }
        return (members, null);
    }

    /// <summary>Where a run's contract-wide problems are reported: the contract block's header.</summary>
    internal static Location ContractLocation(BoundContract contract) =>
        Location.In(contract.Source, contract.ContractBlock?.Syntax.Header.Span ?? default);

    /// <summary>The tables in an order where each comes after the tables it joins to (the binder ruled out circles of one).</summary>
    private static List<DataTable> InJoinOrder(IReadOnlyList<DataTable> tables)
    {
        var ordered = new List<DataTable>();
        var left = tables.ToList();
        while (left.Count > 0)
        {
            var next = left.FirstOrDefault(t => t.Joins.All(j => ordered.Any(o => string.Equals(o.Name, j.JoinsTo, StringComparison.OrdinalIgnoreCase))))
                ?? left[0];
            ordered.Add(next);
            left.Remove(next);
        }
        return ordered;
    }

    /// <summary>
    /// While a table is read: keeps the ids of a table others join to, and finds the rows whose join id is not in the
    /// table joined (with their dollars, the sum of the row's money columns). Such rows are reported, never dropped.
    /// </summary>
    private sealed class JoinCheck(DataTable table, string file, Dictionary<string, (HashSet<string> Ids, string File)> ids, bool joinedTo)
    {
        private const int Listed = 20;
        private readonly HashSet<string> _own = new(StringComparer.Ordinal);
        private readonly List<Diagnostic> _warnings = new();
        private Location? _firstUnlisted;
        private decimal _unlistedDollars;

        public long Rows { get; private set; }

        public decimal Dollars { get; private set; }

        public long UnmatchedRows { get; private set; }

        public decimal UnmatchedDollars { get; private set; }

        /// <summary>Whether the table has money columns at all: without them its dollars are not measured (not $0.00).</summary>
        public bool HasMoney { get; private set; }

        public void Observe(ColumnBatch batch, IReadOnlyList<ColumnSpec> specs)
        {
            // Only the ids of a table that others join to are kept (a members file's ids, not every episode's).
            int id = joinedTo && table.IdColumn is { } idColumn ? Index(specs, idColumn.Name) : -1;
            var money = specs.Select((s, i) => (s, i)).Where(x => x.s.Type == ValueType.Money).Select(x => x.i).ToArray();
            HasMoney |= money.Length > 0;
            for (int row = 0; row < batch.RowCount; row++)
            {
                Rows++;
                decimal dollars = 0m;
                foreach (int m in money)
                {
                    dollars = Exact.Add(dollars, batch.Decimals(m)[row]);
                }
                Dollars = Exact.Add(Dollars, dollars);
                if (id >= 0)
                {
                    _own.Add(batch.Texts(id)[row]);
                }
                foreach (var join in table.Joins)
                {
                    int at = Index(specs, join.Name);
                    if (at < 0 || !ids.TryGetValue(join.JoinsTo!, out var other))
                    {
                        continue;
                    }
                    string value = batch.Texts(at)[row];
                    if (other.Ids.Contains(value))
                    {
                        continue;
                    }
                    UnmatchedRows++;
                    UnmatchedDollars += dollars;
                    var where = new Location(file, (int)batch.Lines[row], at + 1);
                    if (_warnings.Count < Listed)
                    {
                        _warnings.Add(SettlementDiagnostics.RowJoinsNothing(where, batch.DataRowAt(row), table.Name, join.Name, value, join.JoinsTo!, other.File, dollars));
                    }
                    else
                    {
                        _firstUnlisted ??= where;
                        _unlistedDollars += dollars;
                    }
                }
            }
            ids[table.Name] = (_own, file);
        }

        public IEnumerable<Diagnostic> Warnings()
        {
            ids[table.Name] = (_own, file);
            return _firstUnlisted is { } first
                ? _warnings.Append(SettlementDiagnostics.MoreRowsJoinNothing(first, table.Name, table.Joins.First().JoinsTo!, UnmatchedRows - Listed, _unlistedDollars))
                : _warnings;
        }

        private static int Index(IReadOnlyList<ColumnSpec> specs, string name) =>
            specs.ToList().FindIndex(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

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
            problems.Add(SettlementDiagnostics.UnknownInput(name, BindingDiagnostics.ListOf(contract.Inputs.Select(i => i.Name)),
                locations is not null && locations.TryGetValue(name, out var written) ? written : null));
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
    /// <summary>
    /// The year's clauses in the order they settle (<see cref="Order"/>), worked out once per contract and year: a
    /// portfolio lowers and settles the same contract for every organisation (about 45 us a time, each).
    /// </summary>
    private static List<BoundClause> OrderedClauses(BoundContract contract, int year) =>
        new(s_ordered.GetValue(contract, _ => new System.Collections.Concurrent.ConcurrentDictionary<int, BoundClause[]>())
            .GetOrAdd(year, y => Order(contract.ClausesFor(y).ToList()).ToArray()));

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<BoundContract, System.Collections.Concurrent.ConcurrentDictionary<int, BoundClause[]>> s_ordered = new();

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
