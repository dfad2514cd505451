using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.MemberLevel;
using Vbc.MemberStage;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Portfolio;

/// <summary>One contract settled for every organisation of an inputs file, over one member-level data source.</summary>
public sealed record PortfolioRequest
{
    /// <summary>The inputs file: one row per organisation (and performance year, with a <c>performance_year</c> column).</summary>
    public required InputsFileResult InputsFile { get; init; }

    /// <summary>The column of the inputs file naming the organisation (default: its first column).</summary>
    public string? OrganisationColumn { get; init; }

    /// <summary>Inputs given once for every organisation (<c>--input</c>).</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    public int? Year { get; init; }

    /// <summary>The member-level data of every organisation: read once.</summary>
    public IMemberSource? Data { get; init; }

    public bool ExcludeBadRows { get; init; }

    /// <summary>Gather each program's rows into a batch of their own even when one program serves every organisation (tests: the path of organisations whose programs differ).</summary>
    internal bool GatherRows { get; init; }

    /// <summary>Where the member-level stage runs (null: in memory, over <see cref="Data"/>); a database reads its own data.</summary>
    public MemberStageBackend? Engine { get; init; }
}

/// <summary>One organisation's row of the inputs file and its settlement (a statement, or the diagnostics that stopped it).</summary>
public sealed record PortfolioEntry(string Organisation, long Line, SettlementResult Result)
{
    /// <summary>The figures a portfolio shows for the organisation, read from its statement; null when it failed.</summary>
    public KeyFigures? Figures { get; init; }
}

/// <summary>Member rows whose organisation has no row in the inputs file: not settled, and reported with their dollars.</summary>
public sealed record UnsettledOrganisation(string Organisation, long Rows, decimal? Dollars, long FirstLine);

/// <summary>
/// Where the dollars of the member file went: every dollar read is in one organisation's population summary, or in
/// the rows of organisations the inputs file does not list, or in the rows the reader could not read.
/// </summary>
public sealed record PortfolioReconciliation(long Rows, decimal Dollars, long SettledRows, decimal SettledDollars,
    long UnlistedRows, decimal UnlistedDollars, long UnreadableRows, decimal UnreadableDollars, long FailedRows, decimal FailedDollars)
{
    /// <summary>Dollars in = settled organisations + failed organisations + unlisted organisations + unreadable rows, to the cent.</summary>
    public bool Balances => Dollars == SettledDollars + FailedDollars + UnlistedDollars + UnreadableDollars
        && Rows == SettledRows + FailedRows + UnlistedRows + UnreadableRows;
}

/// <summary>What settling a portfolio gave.</summary>
public sealed record PortfolioResult
{
    /// <summary>One per row of the inputs file, in file order.</summary>
    public IReadOnlyList<PortfolioEntry> Entries { get; init; } = Array.Empty<PortfolioEntry>();

    /// <summary>Problems that stop the whole run (the inputs file, the data file's header, rows the reader could not read).</summary>
    public IReadOnlyList<Diagnostic> Problems { get; init; } = Array.Empty<Diagnostic>();

    /// <summary>A problem with how the run was asked for, in words (no code): the command line must change.</summary>
    public string? UsageProblem { get; init; }

    /// <summary>Notes for the user that change no figure (columns of the inputs file that are not inputs).</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    /// <summary>Warnings about the data as a whole: rows of organisations not listed (VBC3026), the reader's warnings.</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; init; } = Array.Empty<Diagnostic>();

    /// <summary>The data column whose value names each row's organisation, when the rows were split by it.</summary>
    public ColumnSymbol? SplitColumn { get; init; }

    public IReadOnlyList<UnsettledOrganisation> Unlisted { get; init; } = Array.Empty<UnsettledOrganisation>();

    /// <summary>Rows the reader left out as unreadable (--exclude-bad-rows): their organisation is not known.</summary>
    public IReadOnlyList<ExcludedRow> UnreadableRows { get; init; } = Array.Empty<ExcludedRow>();

    /// <summary>Null when no member file was read, or the contract measures no cost.</summary>
    public PortfolioReconciliation? Reconciliation { get; init; }

    public bool Failed => UsageProblem is not null || Problems.Any(d => d.IsError);

    public bool IsUsageError => UsageProblem is not null || Problems.Any(d => d.Code == "VBC0002");
}

/// <summary>
/// Settles one contract for many organisations. The member data is read once: each row goes to the member-level
/// stage of its organisation (the organisation column of the data), which runs that organisation's own program
/// (lowered with its inputs and year); then the settlement stage runs per organisation. Each organisation's
/// statement is the one it would get if its rows alone were settled: population steps, exclusions, the truncation
/// percentile and every total are its own, and its problem rows are named with their row of the whole file.
/// </summary>
public static partial class PortfolioSettlement
{
    /// <summary>The inputs file column that settles each row in its own year (CMS's results files hold several years).</summary>
    public const string YearColumn = "performance_year";

    public static PortfolioResult Settle(BoundContract contract, PortfolioRequest request)
    {
        var file = request.InputsFile;
        if (file.HasErrors)
        {
            return new PortfolioResult { Problems = file.Diagnostics };
        }
        string orgColumn = request.OrganisationColumn ?? file.Columns.FirstOrDefault() ?? "";
        if (!file.Columns.Contains(orgColumn, StringComparer.OrdinalIgnoreCase))
        {
            return Usage($"the inputs file has no column '{orgColumn}'. Its columns: {string.Join(", ", file.Columns)}. "
                + "Name the column that holds the organisation with --organisation-column NAME.");
        }
        var declared = contract.Inputs.Select(i => i.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var clash = request.Inputs.Keys.Where(k => file.Columns.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (clash.Count > 0)
        {
            return Usage($"{string.Join(", ", clash)} is given both with --input and in the inputs file: keep one.");
        }
        bool yearPerRow = file.Columns.Contains(YearColumn, StringComparer.OrdinalIgnoreCase);
        if (yearPerRow && request.Year is not null)
        {
            return Usage($"the inputs file has a {YearColumn} column, so --year cannot apply too: remove one of them.");
        }
        var repeated = InputsFile.RepeatedOrganisations(file, orgColumn, yearPerRow ? YearColumn : null);
        if (repeated.Count > 0)
        {
            return new PortfolioResult { Problems = repeated };
        }
        var notes = new List<string>();
        var ignored = file.Columns.Where(c => !declared.Contains(c) && !c.Equals(orgColumn, StringComparison.OrdinalIgnoreCase)
            && !c.Equals(YearColumn, StringComparison.OrdinalIgnoreCase)).ToList();
        if (ignored.Count > 0)
        {
            notes.Add($"columns of {file.File} that are not inputs of the contract (not used): {string.Join(", ", ignored)}.");
        }
        var splitColumn = contract.Columns.FirstOrDefault(c => c.Name.Equals(orgColumn, StringComparison.OrdinalIgnoreCase) && c.Type.Kind == ValueKind.Text);
        int organisations = file.Rows.Select(r => r[orgColumn]).Distinct(StringComparer.Ordinal).Count();
        bool inDatabase = request.Engine is { ReadsRequestData: false };
        bool readsData = (request.Data is not null || inDatabase) && contract.UsesMemberData;
        if ((request.Data is not null || inDatabase) && splitColumn is null && organisations > 1)
        {
            return Usage($"to settle {organisations} organisations on one member file, the data must say which organisation each row belongs to: " +
                $"declare a text column '{orgColumn}' in the contract's data block (or give one row in --inputs).");
        }
        if (readsData && contract.HasSeveralTables)
        {
            // Each organisation's rows would have to be found in every table: not supported yet.
            return Usage("--inputs settles contracts with one table; this contract declares several. Settle each organisation with --input and one --data TABLE=FILE per table.");
        }

        // Each row's own request: its inputs (with where each was written), its year, its organisation.
        var rows = new List<(string Organisation, long Line, SettlementRequest? Request, Diagnostic? Problem)>();
        foreach (var row in file.Rows)
        {
            string organisation = row[orgColumn] ?? $"row {row.Line}";
            var inputs = new Dictionary<string, string>(request.Inputs, StringComparer.OrdinalIgnoreCase);
            var cells = new Dictionary<string, Location>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in row.Values)
            {
                if (declared.Contains(name))
                {
                    inputs[name] = value;
                    cells[name] = new Location(file.File, (int)row.Line, row.ColumnOf(name));
                }
            }
            int? year = request.Year;
            if (yearPerRow)
            {
                var yearText = row[YearColumn] ?? "";
                if (!InputParser.TryParseYear(yearText, out var y))
                {
                    rows.Add((organisation, row.Line, null, SettlementDiagnostics.InvalidInput(new Location(file.File, (int)row.Line, row.ColumnOf(YearColumn)),
                        YearColumn, "year", yearText, InputParser.Example("year"))));
                    continue;
                }
                year = y;
            }
            rows.Add((organisation, row.Line, new SettlementRequest
            {
                Year = year,
                Inputs = inputs,
                InputLocations = cells,
                Data = request.Data,
                ExcludeBadRows = request.ExcludeBadRows,
                Organisation = organisation,
            }, null));
        }

        if (!readsData)
        {
            // Nothing to read (a contract settled from totals, or no data given: each settlement says so).
            var entries = rows.Select(r => Entry(r.Organisation, r.Line, r.Request is null
                ? new SettlementResult(null, new[] { r.Problem! })
                : SettlementEngine.Settle(contract, r.Request))).ToList();
            return new PortfolioResult { Entries = entries, Notes = notes };
        }
        return OnePass(contract, request, rows, splitColumn?.Name, orgColumn, file) with { Notes = notes, SplitColumn = splitColumn };
    }

    private static PortfolioResult Usage(string message) => new() { UsageProblem = message };

    private static PortfolioEntry Entry(string organisation, long line, SettlementResult result) =>
        new(organisation, line, result) { Figures = result.Succeeded ? KeyFigures.Of(result) : null };

    /// <summary>One organisation's member-level stage, fed its rows while the file is read once.</summary>
    private sealed class Slot(int row, LoweredTable lowered, MemberStageRunner? runner, int year, IReadOnlyDictionary<InputSymbol, Value> inputsRead)
    {
        public int Row { get; } = row;

        public LoweredTable Lowered { get; } = lowered;

        /// <summary>The in-memory stage fed by the router (null when a database runs the stage).</summary>
        public MemberStageRunner Runner { get; } = runner!;

        public int Year { get; } = year;

        public IReadOnlyDictionary<InputSymbol, Value> InputsRead { get; } = inputsRead;
    }

    private static PortfolioResult OnePass(BoundContract contract, PortfolioRequest request,
        List<(string Organisation, long Line, SettlementRequest? Request, Diagnostic? Problem)> rows, string? splitColumn, string orgColumn, InputsFileResult file)
    {
        var source = request.Data;
        var at = SettlementEngine.ContractLocation(contract);
        var specs = contract.Columns.Select(ColumnSpec.From).ToList();
        var results = new SettlementResult?[rows.Count];
        var slots = new Slot?[rows.Count];
        MemberProgram? anyProgram = null;
        // One stage per distinct program evaluates each batch; the other organisations' stages of that program read it.
        var evaluators = new List<MemberStageRunner>();
        for (int i = 0; i < rows.Count; i++)
        {
            var (_, _, rowRequest, problem) = rows[i];
            if (rowRequest is null)
            {
                results[i] = new SettlementResult(null, new[] { problem! });
                continue;
            }
            var (_, tables, failed, run) = SettlementEngine.Lower(contract, rowRequest);
            if (failed is not null)
            {
                results[i] = failed;
                continue;
            }
            var lowered = tables.Single();
            anyProgram ??= lowered.Program;
            string? name = source is null ? null : splitColumn is null ? source.Name : $"{source.Name} (rows where {splitColumn} = {rows[i].Organisation})";
            MemberStageRunner? runner = null;
            if (name is not null)
            {
                var evaluator = evaluators.Find(e => e.Program.Equals(lowered.Program));
                runner = new MemberStageRunner(lowered, specs, name, request.ExcludeBadRows, evaluator);
                if (evaluator is null)
                {
                    evaluators.Add(runner);
                }
            }
            slots[i] = new Slot(i, lowered, runner, run.Year, run.InputsRead);
        }
        if (source is null)
        {
            return InDatabase(contract, request, rows, splitColumn!, orgColumn, file, specs, slots, results);
        }

        var header = source.Open(specs);
        if (header.Any(d => d.IsError))
        {
            return new PortfolioResult { Problems = header };
        }
        // The rows of each organisation go to its stages (one per row of the inputs file: one per year).
        var router = new OrganisationRouter(specs, splitColumn, anyProgram?.Cost.Categories.Select(c => c.Name).ToList() ?? new List<string>(), request.GatherRows);
        for (int i = 0; i < rows.Count; i++)
        {
            router.Add(rows[i].Organisation, slots[i]?.Runner);
        }
        foreach (var batch in source.Batches())
        {
            router.Route(batch);
        }

        // The reader's errors (a cell it cannot read, a duplicate id) are the whole file's: they stop the run, as
        // they would stop each organisation's own settlement; its warnings are the whole file's too.
        var readerErrors = source.RowProblems.Where(d => d.IsError || d.Code == "VBC0001").ToList();
        if (readerErrors.Count > 0)
        {
            return new PortfolioResult { Problems = readerErrors };
        }
        var warnings = source.RowProblems.Where(d => !d.IsError).ToList();
        var unlisted = router.Unlisted.Select(u => new UnsettledOrganisation(u.Key, u.Value.Rows, router.MeasuresCost ? u.Value.Dollars : null, u.Value.FirstLine))
            .OrderBy(u => u.FirstLine).ToList();
        warnings.AddRange(UnlistedWarnings(unlisted, source.Name, splitColumn, file.File));

        // Each stage's dollars in (its population's input cost), for the reconciliation; null when its sums failed.
        var measured = new decimal?[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (slots[i] is not { } slot)
            {
                continue;
            }
            if (slot.Runner.TryFinish(source.Name, out var failure) is not { } members)
            {
                results[i] = new SettlementResult(null, new[] { failure! });
                continue;
            }
            measured[i] = members.Population.InputCost;
            string name = splitColumn is null ? source.Name : $"{source.Name} (rows where {splitColumn} = {rows[i].Organisation})";
            // A stage that failed on its first batch (a row sum not exact) counted none of its rows: its problem stands,
            // not "no row in the member file".
            results[i] = members.Population.RowsRead == 0 && members.Problems.Count == 0
                ? WithoutRows(file, orgColumn, rows[i].Organisation, rows[i].Line, source.Name, splitColumn ?? orgColumn)
                : SettleOrganisation(contract, rows[i].Request!, slot, members, stage => new DataSource(name, source.IgnoredColumns, stage.RowsLeftOut, source.ClaimsFile), at);
        }

        // Every row read is counted once: in its organisation (settled when its first row of the inputs file settled)
        // or among the organisations not listed, or among the rows the reader could not read.
        var firstStage = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < rows.Count; i++)
        {
            if (slots[i] is not null)
            {
                firstStage.TryAdd(rows[i].Organisation, i);
            }
        }
        var (settledRows, settledDollars, failedRows, failedDollars, dollarsKnown) = Tally(rows, results,
            router.Listed.Select(o => (o.Organisation, o.Tally.Rows, o.Tally.Dollars ?? (firstStage.TryGetValue(o.Organisation, out int staged) ? measured[staged] : null))));

        var unreadable = source.UnreadableRows;
        // Rows are counted as routed, apart from the parts; dollars in are the parts' sum (each part exact and, for a
        // stage, conserved: its input = excluded + carved out + truncated + counted).
        decimal unlistedDollars = unlisted.Sum(u => u.Dollars ?? 0), unreadableDollars = unreadable.Sum(r => r.Dollars);
        var reconciliation = router.MeasuresCost && dollarsKnown
            ? new PortfolioReconciliation(router.Rows + unreadable.Count, settledDollars + failedDollars + unlistedDollars + unreadableDollars, settledRows, settledDollars,
                unlisted.Sum(u => u.Rows), unlistedDollars, unreadable.Count, unreadableDollars, failedRows, failedDollars)
            : null;
        var entries = rows.Select((r, i) => Entry(r.Organisation, r.Line, results[i]!)).ToList();
        return new PortfolioResult
        {
            Entries = entries,
            Warnings = warnings,
            Unlisted = unlisted,
            UnreadableRows = unreadable,
            Reconciliation = reconciliation,
        };
    }

    /// <summary>An organisation the inputs file lists that has no row in the data (VBC4060, at its cell of the inputs file).</summary>
    private static SettlementResult WithoutRows(InputsFileResult file, string inputsColumn, string organisation, long line, string dataName, string dataColumn)
    {
        var cell = new Location(file.File, (int)line, file.Rows.First(r => r.Line == line).ColumnOf(inputsColumn));
        return new SettlementResult(null, new[] { SettlementDiagnostics.OrganisationWithoutRows(cell, organisation, dataName, dataColumn) });
    }

    /// <summary>One organisation's member-level figures (from the in-memory stage or a database), checked, then settled with its own inputs.</summary>
    private static SettlementResult SettleOrganisation(BoundContract contract, SettlementRequest request, Slot slot, MemberStageResult members,
        Func<MemberStageResult, DataSource> data, Location at)
    {
        var (stage, failed) = SettlementEngine.CheckStage(members, Array.Empty<Diagnostic>(), at);
        if (failed is not null)
        {
            return failed;
        }
        var run = new MemberLevelRun(contract, slot.Year, stage!, data(stage!), Array.Empty<Diagnostic>(), slot.InputsRead);
        return SettlementEngine.Settle(contract, request with { MemberLevel = run, Data = null });
    }

    /// <summary>
    /// The rows and dollars of the listed organisations, counted once each: settled when the organisation's first row
    /// of the inputs file settled, else failed. Dollars are known only when every organisation's are.
    /// </summary>
    private static (long SettledRows, decimal SettledDollars, long FailedRows, decimal FailedDollars, bool DollarsKnown) Tally(
        IReadOnlyList<(string Organisation, long Line, SettlementRequest? Request, Diagnostic? Problem)> rows, SettlementResult?[] results,
        IEnumerable<(string Organisation, long Rows, decimal? Dollars)> listed)
    {
        var firstRow = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < rows.Count; i++)
        {
            firstRow.TryAdd(rows[i].Organisation, i);
        }
        long settledRows = 0, failedRows = 0;
        decimal settledDollars = 0, failedDollars = 0;
        bool dollarsKnown = true;
        foreach (var (organisation, count, dollars) in listed)
        {
            dollarsKnown &= dollars is not null;
            if (results[firstRow[organisation]]!.Succeeded)
            {
                settledRows += count;
                settledDollars += dollars ?? 0;
            }
            else
            {
                failedRows += count;
                failedDollars += dollars ?? 0;
            }
        }
        return (settledRows, settledDollars, failedRows, failedDollars, dollarsKnown);
    }

    /// <summary>A warning per organisation of the data the inputs file does not list (the first 20), then one for the rest.</summary>
    private static IEnumerable<Diagnostic> UnlistedWarnings(IReadOnlyList<UnsettledOrganisation> unlisted, string dataFile, string? column, string inputsFile)
    {
        const int Listed = 20;
        foreach (var u in unlisted.Take(Listed))
        {
            yield return DataDiagnostics.OrganisationNotListed(dataFile, u.FirstLine, column ?? "", u.Organisation, u.Rows, u.Dollars, inputsFile);
        }
        if (unlisted.Count > Listed)
        {
            var rest = unlisted.Skip(Listed).ToList();
            yield return DataDiagnostics.MoreOrganisationsNotListed(dataFile, rest[0].FirstLine, rest.Count, rest.Sum(u => u.Rows),
                rest.All(u => u.Dollars is not null) ? rest.Sum(u => u.Dollars!.Value) : null, inputsFile);
        }
    }
}
