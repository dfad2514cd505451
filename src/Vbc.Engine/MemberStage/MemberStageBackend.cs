using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.MemberLevel;
using Vbc.Settlement;

namespace Vbc.MemberStage;

/// <summary>
/// Where the member-level stage of a run executes. The settlement stage takes the member-level figures (a
/// <see cref="MemberStageResult"/>) from any backend: the in-memory column kernels over an <see cref="IMemberSource"/>
/// (<see cref="InMemory"/>), or a database running the IR compiled to SQL (src/Vbc.Engine/Databases), where only the
/// totals come back. Every backend executes the same lowered program, so the statement does not depend on the backend.
/// </summary>
public abstract class MemberStageBackend
{
    /// <summary>The column kernels of <see cref="MemberStageRunner"/> over the request's data source.</summary>
    public static MemberStageBackend InMemory { get; } = new InMemoryBackend();

    /// <summary>The engine's name, as <c>vbc settle --engine</c> takes it.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the backend reads the request's <see cref="SettlementRequest.Data"/> (a database reads its own).</summary>
    internal virtual bool ReadsRequestData => true;

    /// <summary>Runs one table's stage: the figures, or the diagnostics that stop the run.</summary>
    internal abstract StageRun Run(StageJob job);

    /// <summary>
    /// A portfolio's stages where the data lives (a database): each distinct program's figures per organisation, the
    /// rows split by <paramref name="column"/>. Null for a backend that reads the request's data (the portfolio routes
    /// the rows itself). With <paramref name="excludeBadRows"/>, vbc's own reader (<see cref="OrganisationStages.ReadByVbc"/>)
    /// leaves bad rows out where there are any.
    /// </summary>
    internal virtual OrganisationStages? RunByOrganisation(IReadOnlyList<LoweredTable> programs, IReadOnlyList<ColumnSpec> specs,
        IrColumn column, Location at, bool excludeBadRows) => null;

    /// <summary>
    /// A contract with several tables where the data lives (a database): every table's figures from the one query
    /// the SQL compiler writes for them. Null for a backend that reads the request's data (the engine reads each table).
    /// </summary>
    internal virtual TablesRun? RunTables(IReadOnlyList<TableJob> tables, Location at) => null;
}

/// <summary>
/// What a database gave for a portfolio: per distinct program, each organisation's figures; or the diagnostics that
/// stop the whole run; or (<see cref="ReadByVbc"/>) a source for vbc's own reader, which names what the database did
/// not read as the in-memory engine does (<see cref="WhyNot"/> refuses the run when that reader finds nothing wrong).
/// </summary>
internal sealed record OrganisationStages(
    IReadOnlyList<Diagnostic> Failure,
    Func<IMemberSource>? ReadByVbc,
    Diagnostic? WhyNot,
    StageData? Data,
    IReadOnlyList<IReadOnlyDictionary<string, OrganisationFigures>> PerProgram)
{
    public static OrganisationStages Failed(IReadOnlyList<Diagnostic> failure) => new(failure, null, null, null, Array.Empty<IReadOnlyDictionary<string, OrganisationFigures>>());

    public static OrganisationStages ByVbc(Func<IMemberSource> source, Diagnostic? whyNot) => new(Array.Empty<Diagnostic>(), source, whyNot, null, Array.Empty<IReadOnlyDictionary<string, OrganisationFigures>>());
}

/// <summary>One organisation's stage: its figures (or the problem that stops its settlement), its rows and dollars in scope, its first line (0: not known).</summary>
internal sealed record OrganisationFigures(MemberStageResult? Result, Diagnostic? Problem, long Rows, decimal InputCost, long FirstLine);

/// <summary>
/// One table's member-level stage to run. <see cref="Lower"/> lowers the table's program for the run; it is called
/// after the data's header is checked, so header errors are reported first, and may throw EvaluationException.
/// </summary>
internal sealed record StageJob(
    Func<LoweredTable> Lower,
    IReadOnlyList<ColumnSpec> Specs,
    IMemberSource? Source,
    bool ExcludeBadRows,
    Action<ColumnBatch, IReadOnlyList<ColumnSpec>>? Observe,
    Location At);

/// <summary>What a backend gave for one table: the stage's figures and the data it read; or why it stopped.</summary>
internal sealed record StageRun(MemberStageResult? Result, IReadOnlyList<Diagnostic> Failure, StageData? Data)
{
    public static StageRun Failed(IReadOnlyList<Diagnostic> diagnostics) => new(null, diagnostics, null);

    public static StageRun Failed(Diagnostic diagnostic) => new(null, new[] { diagnostic }, null);

    /// <summary>Whether the stage gave figures with no problem: no header error, no unreadable value, no problem row.</summary>
    public bool Clean => Result is not null && Result.Problems.Count == 0 && Data!.RowProblems.All(d => !d.IsError && d.Code != "VBC0001");
}

/// <summary>The data a stage read, as the statement describes it (name, ignored columns, rows left out) and its warnings.</summary>
internal sealed record StageData(
    string Name,
    IReadOnlyList<string> IgnoredColumns,
    IReadOnlyList<ExcludedRow> UnreadableRows,
    IReadOnlyList<Diagnostic> RowProblems,
    string? ClaimsFile,
    IReadOnlyList<ClaimsNote> ClaimsNotes)
{
    public static StageData Of(IMemberSource source) =>
        new(source.Name, source.IgnoredColumns, source.UnreadableRows, source.RowProblems, source.ClaimsFile, source.ClaimsNotes);
}

/// <summary>The in-memory backend: the data source's batches through the column kernels, in file order.</summary>
internal sealed class InMemoryBackend : MemberStageBackend
{
    public override string Name => "memory";

    internal override StageRun Run(StageJob job)
    {
        var source = job.Source ?? throw new InvalidOperationException("The in-memory member-level stage reads the request's data source.");
        var header = source.Open(job.Specs);
        if (header.Any(d => d.IsError))
        {
            return StageRun.Failed(header);
        }
        var runner = new MemberStageRunner(job.Lower(), job.Specs, source.Name, job.ExcludeBadRows);
        bool reserved = false;
        if (source.RowCount is { } rows)
        {
            runner.ReserveRows(rows);
            reserved = true;
        }
        foreach (var batch in source.Batches())
        {
            if (!reserved)
            {
                // A source that does not know its rows up front may estimate them from its first batch.
                reserved = true;
                if (source.RowEstimate is { } estimate)
                {
                    try
                    {
                        runner.ReserveRows(estimate);
                    }
                    catch (OutOfMemoryException)
                    {
                        // An estimate far above the real count (short first rows in a huge file) that cannot be
                        // reserved: the arrays grow as members arrive, as without an estimate.
                    }
                }
            }
            runner.Add(batch);
            job.Observe?.Invoke(batch, job.Specs);
        }
        return runner.TryFinish(source.Name, out var failure) is { } members
            ? new StageRun(members, Array.Empty<Diagnostic>(), StageData.Of(source))
            : StageRun.Failed(failure!);
    }
}

/// <summary>
/// One table of a contract with several tables, for a database backend: its name, its program (lowered on demand,
/// after the tables' headers are checked; may throw EvaluationException), its declared columns, whether it is the
/// table the others join to, its joins (column, table joined), and whether bad rows are to be left out.
/// </summary>
internal sealed record TableJob(string Table, Func<LoweredTable> Lower, IReadOnlyList<ColumnSpec> Specs, bool IsRoot,
    IReadOnlyList<(string Column, string JoinsTo)> Joins, bool ExcludeBadRows);

/// <summary>
/// What a database gave for a contract with several tables: each table's figures (in the order asked); or the
/// diagnostics that stop the run; or (<see cref="ReadByVbc"/>) the tables for vbc's own reader, which names what the
/// database did not read, or the rows it could not compute or join, as the in-memory engine does
/// (<see cref="WhyNot"/> refuses the run when that reader finds nothing wrong).
/// </summary>
internal sealed record TablesRun(
    IReadOnlyList<Diagnostic> Failure,
    Func<Dictionary<string, IMemberSource>>? ReadByVbc,
    Diagnostic? WhyNot,
    IReadOnlyList<TableFigures> Tables)
{
    public static TablesRun Failed(IReadOnlyList<Diagnostic> failure) => new(failure, null, null, Array.Empty<TableFigures>());

    public static TablesRun Failed(Diagnostic failure) => Failed(new[] { failure });

    public static TablesRun ByVbc(Func<Dictionary<string, IMemberSource>> tables, Diagnostic? whyNot) => new(Array.Empty<Diagnostic>(), tables, whyNot, Array.Empty<TableFigures>());
}

/// <summary>
/// One table's figures from a database: its stage, the data as the statement names it, its rows and dollars (the sum
/// of its declared money columns, as vbc's table summary sums them), the rows whose join id is in no row of the table
/// joined with their dollars, and the warnings about them (a database names such rows by their key).
/// </summary>
internal sealed record TableFigures(
    LoweredTable Lowered,
    MemberStageResult Result,
    StageData Data,
    long Rows,
    decimal Dollars,
    bool HasMoney,
    long UnmatchedRows,
    decimal UnmatchedDollars,
    IReadOnlyList<Diagnostic> Warnings);
