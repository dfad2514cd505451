using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.MemberLevel;
using Vbc.MemberStage;
using Vbc.Settlement;
using Vbc.Sql;

namespace Vbc.Databases;

/// <summary>
/// <c>vbc settle --engine duckdb</c>: the member-level stage executed by embedded DuckDB over the same CSV or Parquet
/// file (or one file per table of a contract with several, or a member file with a long claims file summed into it),
/// from the query <see cref="SqlCompiler"/> writes; only the figures come back.
///
/// <para>Values are read exactly as vbc's reader reads them, or not at all. Every cell is loaded as text
/// (<c>all_varchar</c>) and checked by SQL predicates that accept a SUBSET of the reader's grammar
/// (<see cref="DuckDbValues"/>): a value they accept converts to the same exact DECIMAL. When anything is out of
/// the ordinary (a cell they do not accept, duplicate ids, a row with a problem, a file DuckDB cannot parse), the
/// file is read by vbc's own reader, which names each problem with its code, data row and column as the in-memory
/// engine does; if that reader finds nothing wrong, the run is refused naming what DuckDB did not read (VBC4050,
/// VBC4051). So the engine never settles on a value read differently.</para>
/// </summary>
public sealed class DuckDbBackend : MemberStageBackend
{
    private readonly string _path;
    private readonly string _name;

    /// <param name="path">The file DuckDB reads (a pipe's copy, or the file itself).</param>
    /// <param name="name">The file as named in messages and on the statement (default: the path).</param>
    public DuckDbBackend(string path, string? name = null)
    {
        _path = path;
        _name = name ?? path;
    }

    /// <summary>
    /// For a contract with several tables: each table's file (the path read, and the file as named in messages), by
    /// table name; the first file given to the constructor is the first table's.
    /// </summary>
    public IReadOnlyDictionary<string, (string Path, string Name)> Tables { get; init; } =
        new Dictionary<string, (string Path, string Name)>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A long claims file (--claims) summed per member into the money columns the member file lacks: the path read, and the file as named.</summary>
    public (string Path, string Name)? Claims { get; init; }

    public override string Name => "duckdb";

    internal override bool ReadsRequestData => false;

    internal override StageRun Run(StageJob job)
    {
        if (Claims is { } claims)
        {
            return RunWithClaims(job, claims);
        }
        // With --exclude-bad-rows, a file DuckDB reads whole has no row to leave out; a file with a value it does not
        // read, or a row that cannot be computed, goes to vbc's own reader, which leaves out and lists each bad row.
        var (headerNotes, ignored) = ReadHeader(job.Specs);
        if (headerNotes.Any(d => d.IsError))
        {
            return StageRun.Failed(headerNotes);
        }
        var table = job.Lower();
        var compiled = SqlStage.Compile(table, SqlDialect.DuckDb, job.At);
        if (compiled.Sql is null)
        {
            return StageRun.Failed(compiled.Diagnostics);
        }
        bool parquet = DataFormats.Detect(_path) == DataFormat.Parquet;
        var plans = job.Specs.Select((s, i) => ColumnPlan.For(s, i, required: false)).ToList();
        try
        {
            using var session = new DuckDbSession();
            var connection = session.Connection;
            var load = DuckDbValues.Load(connection, _path, _name, parquet, plans);
            if (load.Refusal is { } refusal)
            {
                return ReadByVbc(job, refusal);
            }
            var figures = SqlStage.Run(connection, compiled.Sql);
            if (SqlStage.ProblemRows(figures).Rows > 0)
            {
                // Rows that cannot be computed (VBC4013 and its kin): vbc's reader and kernels name each one.
                return ReadByVbc(job, null);
            }
            var result = SqlStage.ToResult(table, figures);
            return new StageRun(result, Array.Empty<Diagnostic>(),
                new StageData(_name, ignored, Array.Empty<ExcludedRow>(), headerNotes, null, Array.Empty<ClaimsNote>()));
        }
        catch (FigureException e)
        {
            return StageRun.Failed(DatabaseDiagnostics.FigureTooPrecise(_name, Name, e.Figure, e.Text));
        }
        catch (DuckDBException e)
        {
            // A file DuckDB cannot parse (a ragged row, an unclosed quote, bytes that are not UTF-8): vbc's reader names it.
            return ReadByVbc(job, DatabaseDiagnostics.DatabaseFailed(_name, Name, FirstLine(e.Message)));
        }
    }

    /// <summary>
    /// The header (or Parquet schema) checked by vbc's own reader: the same diagnostics and the same ignored columns as
    /// the in-memory engine gives (errors among the diagnostics stop the run).
    /// </summary>
    private (IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> Ignored) ReadHeader(IReadOnlyList<ColumnSpec> specs) =>
        ReadHeader(_path, _name, specs);

    private static (IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> Ignored) ReadHeader(string path, string name, IReadOnlyList<ColumnSpec> specs)
    {
        var header = MemberFiles.Open(path, null, false, name);
        using (header as IDisposable)
        {
            return (header.Open(specs), header.IgnoredColumns);
        }
    }

    internal override OrganisationStages RunByOrganisation(IReadOnlyList<LoweredTable> programs, IReadOnlyList<ColumnSpec> specs, IrColumn column, Location at, bool excludeBadRows)
    {
        // With --exclude-bad-rows, as for one run: a file DuckDB reads whole without a row that cannot be computed has no
        // row to leave out; any other goes to vbc's own reader, which leaves out and lists each bad row.
        IMemberSource OwnReader() => MemberFiles.Open(_path, null, excludeBadRows, _name);
        var (headerNotes, ignored) = ReadHeader(specs);
        if (headerNotes.Any(d => d.IsError))
        {
            return OrganisationStages.Failed(headerNotes);
        }
        var queries = new List<string>();
        foreach (var program in programs)
        {
            var compiled = SqlStage.CompileGrouped(program, SqlDialect.DuckDb, at, column);
            if (compiled.Sql is null)
            {
                return OrganisationStages.Failed(compiled.Diagnostics);
            }
            queries.Add(compiled.Sql);
        }
        bool parquet = DataFormats.Detect(_path) == DataFormat.Parquet;
        var plans = specs.Select((s, i) => ColumnPlan.For(s, i, required: false)).ToList();
        try
        {
            using var session = new DuckDbSession();
            var connection = session.Connection;
            var load = DuckDbValues.Load(connection, _path, _name, parquet, plans);
            if (load.Refusal is { } refusal)
            {
                return OrganisationStages.ByVbc(OwnReader, refusal);
            }
            // Each organisation's first data row, for the line of a warning about it (a CSV's line is its data row + 1;
            // a Parquet file's rows are numbered as the reader numbers them).
            var firstLines = new Dictionary<string, long>(StringComparer.Ordinal);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT COALESCE({DuckDbValues.Quote(column.Name)}, ''), MIN(rowid) FROM members GROUP BY 1";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    firstLines[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) + (parquet ? 1 : 2);
                }
            }
            var perProgram = new List<IReadOnlyDictionary<string, OrganisationFigures>>();
            for (int k = 0; k < programs.Count; k++)
            {
                var byOrganisation = new Dictionary<string, OrganisationFigures>(StringComparer.Ordinal);
                foreach (var (organisation, figures) in SqlStage.RunGrouped(connection, queries[k]))
                {
                    if (SqlStage.ProblemRows(figures).Rows > 0)
                    {
                        // Rows that cannot be computed: vbc's reader and kernels name each one, per organisation.
                        return OrganisationStages.ByVbc(OwnReader, null);
                    }
                    var (rows, cost) = SqlStage.RowsAndCost(figures);
                    byOrganisation[organisation] = new OrganisationFigures(SqlStage.ToResult(programs[k], figures), null, rows, cost,
                        firstLines.GetValueOrDefault(organisation));
                }
                perProgram.Add(byOrganisation);
            }
            return new OrganisationStages(Array.Empty<Diagnostic>(), null, null,
                new StageData(_name, ignored, Array.Empty<ExcludedRow>(), headerNotes, null, Array.Empty<ClaimsNote>()), perProgram);
        }
        catch (FigureException e)
        {
            return OrganisationStages.Failed(new[] { DatabaseDiagnostics.FigureTooPrecise(_name, Name, e.Figure, e.Text) });
        }
        catch (DuckDBException e)
        {
            return OrganisationStages.ByVbc(OwnReader, DatabaseDiagnostics.DatabaseFailed(_name, Name, FirstLine(e.Message)));
        }
    }

    internal override TablesRun RunTables(IReadOnlyList<TableJob> jobs, Location at)
    {
        var files = new List<(string Path, string Name)>();
        foreach (var job in jobs)
        {
            if (!Tables.TryGetValue(job.Table, out var file))
            {
                return TablesRun.Failed(DatabaseDiagnostics.TableNotGiven(at, Name, job.Table, $"give its file with --data {job.Table}=FILE (one --data per table)"));
            }
            files.Add(file);
        }
        // Every table's header (or Parquet schema) through vbc's reader first, in the order the tables are read.
        var headers = new List<(IReadOnlyList<Diagnostic> Notes, IReadOnlyList<string> Ignored)>();
        for (int t = 0; t < jobs.Count; t++)
        {
            var header = ReadHeader(files[t].Path, files[t].Name, jobs[t].Specs);
            if (header.Diagnostics.Any(d => d.IsError))
            {
                return TablesRun.Failed(header.Diagnostics);
            }
            headers.Add(header);
        }
        var lowered = jobs.Select(j => j.Lower()).ToList();
        var compiled = SqlStage.CompileTables(lowered, SqlDialect.DuckDb, at);
        if (compiled.Sql is null)
        {
            return TablesRun.Failed(compiled.Diagnostics);
        }
        // vbc's own reader over every table, with --exclude-bad-rows as asked (opened only when the database gives way).
        bool excludeBadRows = jobs.Count > 0 && jobs[0].ExcludeBadRows;
        Dictionary<string, IMemberSource> OwnReaders() => jobs.Select((j, t) => (j.Table, Source: MemberFiles.Open(files[t].Path, null, excludeBadRows, files[t].Name)))
            .ToDictionary(x => x.Table, x => x.Source, StringComparer.OrdinalIgnoreCase);
        string current = files[0].Name;
        try
        {
            using var session = new DuckDbSession();
            var connection = session.Connection;
            for (int t = 0; t < jobs.Count; t++)
            {
                current = files[t].Name;
                var plans = jobs[t].Specs.Select((s, i) => ColumnPlan.For(s, i, required: false)).ToList();
                var load = DuckDbValues.Load(connection, files[t].Path, files[t].Name, DataFormats.Detect(files[t].Path) == DataFormat.Parquet, plans, jobs[t].Table);
                if (load.Refusal is { } refusal)
                {
                    return TablesRun.ByVbc(OwnReaders, refusal);
                }
            }
            var byTable = SqlStage.RunGrouped(connection, compiled.Sql);
            var tables = new List<TableFigures>();
            for (int t = 0; t < jobs.Count; t++)
            {
                current = files[t].Name;
                var figures = byTable.GetValueOrDefault(jobs[t].Table) ?? new List<FigureRow>();
                // Rows that cannot be computed, and rows whose join id is in no row of the table joined (each warned with
                // its data row and line, VBC3060): vbc's reader and kernels name each one, as without --engine.
                if (SqlStage.ProblemRows(figures).Rows > 0 || figures.Any(f => f.Figure == "unmatched" && f.Rows > 0))
                {
                    return TablesRun.ByVbc(OwnReaders, null);
                }
                var money = jobs[t].Specs.Where(s => s.Type == Vbc.Semantics.ValueType.Money).Select(s => s.Name).ToList();
                var (rows, dollars) = SqlStage.TableDollars(connection, DuckDbValues.Quote(jobs[t].Table), money, "VARCHAR");
                tables.Add(new TableFigures(lowered[t], SqlStage.ToResult(lowered[t], figures),
                    new StageData(files[t].Name, headers[t].Ignored, Array.Empty<ExcludedRow>(), headers[t].Notes, null, Array.Empty<ClaimsNote>()),
                    rows, dollars, money.Count > 0, 0, 0m, Array.Empty<Diagnostic>()));
            }
            return new TablesRun(Array.Empty<Diagnostic>(), null, null, tables);
        }
        catch (FigureException e)
        {
            return TablesRun.Failed(DatabaseDiagnostics.FigureTooPrecise(current, Name, e.Figure, e.Text));
        }
        catch (DuckDBException e)
        {
            return TablesRun.ByVbc(OwnReaders, DatabaseDiagnostics.DatabaseFailed(current, Name, FirstLine(e.Message)));
        }
    }

    /// <summary>
    /// The file through vbc's own reader and the in-memory kernels, for the diagnostics the in-memory engine gives. If
    /// they find no problem, DuckDB could not read what vbc reads: the run is refused with <paramref name="whyNot"/>.
    /// </summary>
    /// <summary>
    /// The stage with a long claims file (--claims): DuckDB loads the member file and the claims file, each value
    /// checked as for one file, sums the claims per member and category into the money columns the member file lacks
    /// (a member without claims in a category has 0 there, as in vbc's reader), and runs the compiled query over the
    /// result. What vbc's reader reports about claims (a claim in a category the contract does not declare, or for a
    /// member id with no row in the member file, or in a category the member file also has as a column; any note on
    /// the header) is left to it: the run is settled by vbc's reader, whose warnings and statement notes stand.
    /// </summary>
    private StageRun RunWithClaims(StageJob job, (string Path, string Name) claims)
    {
        if (DataFormats.Detect(_path) == DataFormat.Parquet || DataFormats.Detect(claims.Path) == DataFormat.Parquet || !job.Specs.Any(s => s.IsId))
        {
            return ReadByVbc(job, null, problemRows: false);
        }
        try
        {
            using var session = new DuckDbSession();
            var connection = session.Connection;
            var fileColumns = DuckDbValues.CsvColumns(connection, _path);
            bool InFile(ColumnSpec spec) => fileColumns.Any(c => string.Equals(c.Trim(), spec.Name.Trim(), StringComparison.OrdinalIgnoreCase));
            var money = job.Specs.Where(s => s.Type == Vbc.Semantics.ValueType.Money).ToList();
            var fromClaims = money.Where(s => !InFile(s)).ToList();
            var memberSpecs = job.Specs.Where(s => !fromClaims.Contains(s)).ToList();
            var (headerNotes, ignored) = ReadHeader(memberSpecs);
            if (headerNotes.Count > 0)
            {
                return ReadByVbc(job, null, problemRows: false);
            }
            var table = job.Lower();
            var compiled = SqlStage.Compile(table, SqlDialect.DuckDb, job.At);
            if (compiled.Sql is null)
            {
                return StageRun.Failed(compiled.Diagnostics);
            }
            var load = DuckDbValues.Load(connection, _path, _name, false, memberSpecs.Select((s, i) => ColumnPlan.For(s, i, required: false)).ToList(), "vbc_member_file");
            if (load.Refusal is { } refusal)
            {
                return ReadByVbc(job, refusal);
            }
            // The claims file as vbc's claims reader reads it: member id and category must not be empty, amounts are money.
            load = DuckDbValues.Load(connection, claims.Path, claims.Name, false, ClaimsColumns.Plans(), "vbc_claims");
            if (load.Refusal is { } claimsRefusal)
            {
                return ReadByVbc(job, claimsRefusal);
            }
            string id = job.Specs.First(s => s.IsId).Name;
            if (!DuckDbValues.ClaimsInTheOrdinary(connection, id, fromClaims.Select(s => s.Name.Trim()).ToList()))
            {
                return ReadByVbc(job, null, problemRows: false);
            }
            DuckDbValues.JoinClaims(connection, id, fromClaims.Select(s => s.Name).ToList());
            var figures = SqlStage.Run(connection, compiled.Sql);
            if (SqlStage.ProblemRows(figures).Rows > 0)
            {
                return ReadByVbc(job, null);
            }
            return new StageRun(SqlStage.ToResult(table, figures), Array.Empty<Diagnostic>(),
                new StageData(_name, ignored, Array.Empty<ExcludedRow>(), headerNotes, claims.Name, Array.Empty<ClaimsNote>()));
        }
        catch (FigureException e)
        {
            return StageRun.Failed(DatabaseDiagnostics.FigureTooPrecise(_name, Name, e.Figure, e.Text));
        }
        catch (DuckDBException e)
        {
            return ReadByVbc(job, DatabaseDiagnostics.DatabaseFailed(_name, Name, FirstLine(e.Message)));
        }
    }

    /// <param name="problemRows">
    /// Whether the database found rows that cannot be computed (false: the data is out of the ordinary in a way vbc's
    /// reader reports with warnings, such as claims in a category the contract does not declare, and its run stands).
    /// </param>
    private StageRun ReadByVbc(StageJob job, Diagnostic? whyNot, bool problemRows = true)
    {
        var source = MemberFiles.Open(_path, Claims?.Path, job.ExcludeBadRows, _name, Claims?.Name);
        using var lifetime = source as IDisposable;
        var run = InMemory.Run(job with { Source = source });
        bool leftOut = run.Clean && (run.Result!.RowsLeftOut.Count > 0 || run.Data!.UnreadableRows.Count > 0);
        if (!run.Clean || run.Result!.Population.RowsRead == 0 || whyNot is null || leftOut)
        {
            if (run.Clean && whyNot is null && !leftOut && problemRows)
            {
                // The database saw a problem row that the kernels did not: never settle on either.
                return StageRun.Failed(DatabaseDiagnostics.DatabaseFailed(_name, Name, "the database found rows that cannot be computed where vbc's kernels found none"));
            }
            return run;
        }
        return StageRun.Failed(whyNot);
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}

/// <summary>
/// An embedded DuckDB database for one run, in memory, whose memory is bounded: past <see cref="MemoryLimit"/> DuckDB
/// spills its tables and sorts to a temporary folder of its own (deleted with the session) instead of growing. At 10M
/// members the loaded file alone is about 2.8 GB of DuckDB's memory without a bound (docs/performance.md).
/// </summary>
internal sealed class DuckDbSession : IDisposable
{
    /// <summary>DuckDB's memory bound (its <c>memory_limit</c>): the environment variable VBC_DUCKDB_MEMORY_LIMIT, or 1GB.</summary>
    public static string MemoryLimit =>
        Environment.GetEnvironmentVariable("VBC_DUCKDB_MEMORY_LIMIT") is { Length: > 0 } limit ? limit : "1GB";

    private readonly string _spill = Path.Combine(Path.GetTempPath(), $"vbc-duckdb-{Guid.NewGuid():N}");

    public DuckDbSession()
    {
        Connection = new DuckDBConnection("DataSource=:memory:");
        Connection.Open();
        using var command = Connection.CreateCommand();
        command.CommandText = $"SET memory_limit = {DuckDbValues.Literal(MemoryLimit)}; SET temp_directory = {DuckDbValues.Literal(_spill)}";
        command.ExecuteNonQuery();
    }

    public DuckDBConnection Connection { get; }

    public void Dispose()
    {
        Connection.Dispose();
        try
        {
            if (Directory.Exists(_spill))
            {
                Directory.Delete(_spill, true);
            }
        }
        catch (IOException)
        {
            // A spill file still held: the system's temporary folder is cleared in time.
        }
    }
}

/// <summary>The columns of a long claims file, as vbc's claims reader reads them by default (<see cref="ClaimsOptions"/>).</summary>
internal static class ClaimsColumns
{
    private static readonly ClaimsOptions Defaults = new();

    public static string MemberId => Defaults.MemberIdColumn;

    public static string Category => Defaults.CategoryColumn;

    public static string Amount => Defaults.AmountColumn;

    /// <summary>The claims file's columns as its reader reads them: member id and category must not be empty, amounts are money.</summary>
    public static List<ColumnPlan> Plans() => new[]
    {
        new ColumnSpec(MemberId, Vbc.Semantics.ValueType.Text, false),
        new ColumnSpec(Category, Vbc.Semantics.ValueType.Text, false),
        new ColumnSpec(Amount, Vbc.Semantics.ValueType.Money, false),
    }.Select((s, i) => ColumnPlan.For(s, i, required: i < 2)).ToList();
}

/// <summary>What loading the file into DuckDB gave: nothing when every value is read, or why not.</summary>
internal sealed record DuckDbLoad(Diagnostic? Refusal);

/// <summary>
/// Loads a member file into DuckDB as the relation <c>members</c> with the contract's column names and exact types,
/// after checking every cell with SQL predicates that follow <see cref="ValueParsers"/>' grammar: each accepts only
/// text the reader accepts, and the conversion gives the reader's exact value (tests/Vbc.Tests/Databases prove it
/// cell by cell against the reader).
/// </summary>
internal static class DuckDbValues
{
    /// <summary>At most this many digits in a number (the reader's exact decimal holds any 28-digit number).</summary>
    private const int MaxDigits = 28;

    /// <param name="relation">The table created with the file's values (the compiled query reads the member file as <c>members</c>, each of several tables by its name).</param>
    public static DuckDbLoad Load(DuckDBConnection connection, string path, string name, bool parquet, IReadOnlyList<ColumnPlan> plans, string relation = "members")
    {
        string file = Literal(path);
        // The file as a view first, to learn its columns without reading its rows; then only the columns the contract
        // declares are loaded (a member file often holds many more: 27 in the benchmark's, of which it reads 11).
        Execute(connection, parquet
            ? $"CREATE TEMP VIEW raw_file AS SELECT * FROM read_parquet({file})"
            : $"CREATE TEMP VIEW raw_file AS SELECT * FROM read_csv({file}, header = true, delim = ',', quote = '\"', escape = '\"', "
              + "all_varchar = true, strict_mode = true, null_padding = false, skip = 0, auto_detect = true)");
        var columns = Columns(connection, "raw_file");
        var cells = new List<Cell>();
        foreach (var plan in plans)
        {
            string declared = plan.Spec.Name.Trim();
            var column = columns.FirstOrDefault(c => string.Equals(c.Name.Trim(), declared, StringComparison.OrdinalIgnoreCase));
            if (column.Name is null)
            {
                return new DuckDbLoad(DatabaseDiagnostics.MissingColumn(name, plan.Spec.Name, plan.TypeName, string.Join(", ", columns.Select(c => c.Name))));
            }
            var cell = Cell.For(plan, column.Name, column.Type);
            if (cell is null)
            {
                return new DuckDbLoad(DatabaseDiagnostics.ColumnType(name, column.Name, plan.TypeName, column.Type,
                    "DECIMAL, an integer (not for money: whole cents are read by vbc's own reader), BOOLEAN, DATE or text"));
            }
            cells.Add(cell);
        }
        var loaded = cells.Select(c => Quote(c.Column)).Distinct().ToList();
        Execute(connection, $"CREATE TEMP TABLE raw AS SELECT {(loaded.Count == 0 ? "1 AS vbc_none" : string.Join(", ", loaded))} FROM raw_file");
        Execute(connection, "DROP VIEW raw_file");

        // One pass over every cell: how many are not read, and each number column's digits before and after the point.
        // Each cell's predicate and digit counts are worked out once, in the inner projection, and whether it is plain.
        var checks = new List<string> { "COUNT(*)" };
        var perCell = new List<string>();
        var id = plans.Select((p, i) => (p, i)).Where(x => x.p.Spec.IsId).Select(x => cells[x.i]).FirstOrDefault();
        checks.Add(id is null ? "0" : "COUNT(*) - COUNT(DISTINCT vbc_id)");
        if (id is not null)
        {
            perCell.Add($"{id.Trimmed} AS vbc_id");
        }
        // Each cell's shape is tested once, in the innermost projection; its forms then read the result.
        var shapes = new List<string>();
        for (int c = 0; c < cells.Count; c++)
        {
            var cell = cells[c];
            if (cell.Shape is { } shape)
            {
                // Named apart from the file's columns, which this projection keeps.
                shapes.Add($"COALESCE({shape}, FALSE) AS vbc_shape_{c}");
                cell = cell.Given($"vbc_shape_{c}");
            }
            perCell.Add($"COALESCE({cell.Valid}, FALSE) AS ok_{c}");
            perCell.Add($"{cell.Whole ?? "0"} AS w_{c}");
            perCell.Add($"{cell.Fraction ?? "0"} AS f_{c}");
            perCell.Add($"{(cell.Shape is null ? "FALSE" : $"vbc_shape_{c}")} AS p_{c}");
            checks.Add($"COUNT(*) FILTER (WHERE NOT ok_{c})");
            checks.Add($"COALESCE(MAX(CASE WHEN ok_{c} THEN w_{c} END), 0)");
            checks.Add($"COALESCE(MAX(CASE WHEN ok_{c} THEN f_{c} END), 0)");
            checks.Add($"COUNT(*) FILTER (WHERE p_{c})");
        }
        if (perCell.Count == 0)
        {
            perCell.Add("1 AS vbc_none");
        }
        var counts = new List<long>();
        using (var command = connection.CreateCommand())
        {
            string shaped = shapes.Count == 0 ? "raw" : $"(SELECT *, {string.Join(", ", shapes)} FROM raw)";
            command.CommandText = $"SELECT {string.Join(", ", checks)} FROM (SELECT {string.Join(", ", perCell)} FROM {shaped})";
            using var reader = command.ExecuteReader();
            reader.Read();
            for (int i = 0; i < checks.Count; i++)
            {
                counts.Add(Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture));
            }
        }
        if (counts[0] == 0)
        {
            return new DuckDbLoad(DatabaseDiagnostics.DatabaseFailed(name, "duckdb", "the file has no data rows"));
        }
        if (counts[1] > 0)
        {
            return new DuckDbLoad(DatabaseDiagnostics.DatabaseFailed(name, "duckdb", $"{counts[1]:#,##0} rows repeat an id of an earlier row"));
        }
        var select = new List<string>();
        for (int c = 0; c < cells.Count; c++)
        {
            var cell = cells[c];
            long bad = counts[2 + c * 4];
            if (bad > 0)
            {
                return new DuckDbLoad(FirstNotRead(connection, name, cell));
            }
            int whole = (int)counts[3 + c * 4];
            int fraction = (int)counts[4 + c * 4];
            // A column whose every cell is plain converts as it stands, without testing each cell's shape again.
            bool allPlain = cell.PlainValue is not null && counts[5 + c * 4] == counts[0];
            if (whole + fraction + 2 > 38)
            {
                return new DuckDbLoad(DatabaseDiagnostics.DatabaseFailed(name, "duckdb",
                    $"column '{cell.Column}' holds numbers with up to {whole} digits before the point and {fraction} after it, more than DuckDB's DECIMAL holds (38 digits)"));
            }
            var value = allPlain ? cell.PlainValue! : cell.Value;
            select.Add($"{value(Math.Max(whole, 1), fraction)} AS {Quote(cell.Plan.Spec.Name)}");
        }
        // A table, not a view: the query reads its relation once per figure, and the conversions are done once.
        Execute(connection, $"CREATE TEMP TABLE {Quote(relation)} AS SELECT {string.Join(", ", select)} FROM raw ORDER BY rowid");
        Execute(connection, "DROP TABLE raw");
        return new DuckDbLoad(null);
    }

    /// <summary>The columns of a CSV file's header, as DuckDB reads it (without reading its rows).</summary>
    public static List<string> CsvColumns(DuckDBConnection connection, string path)
    {
        Execute(connection, $"CREATE TEMP VIEW vbc_header AS SELECT * FROM read_csv({Literal(path)}, header = true, delim = ',', quote = '\"', escape = '\"', all_varchar = true)");
        var columns = Columns(connection, "vbc_header").Select(c => c.Name).ToList();
        Execute(connection, "DROP VIEW vbc_header");
        return columns;
    }

    /// <summary>
    /// Whether every claim (loaded as <c>vbc_claims</c>) is in a category of <paramref name="fromClaims"/> (plain ASCII,
    /// compared ignoring case as the claims reader compares) and for a member of the member file
    /// (<c>vbc_member_file</c>): otherwise vbc's reader reports the rest (a category the contract does not declare, or
    /// one the member file also has as a column; claims of ids with no row).
    /// </summary>
    public static bool ClaimsInTheOrdinary(DuckDBConnection connection, string id, IReadOnlyList<string> fromClaims)
    {
        string Names(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Select(n => Literal(n.ToLowerInvariant()))) : "NULL";
        if (fromClaims.Any(n => n.Any(c => c > '~' || c < ' ')))
        {
            return false;
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FILTER (WHERE NOT regexp_full_match({Quote(ClaimsColumns.Category)}, '[ -~]*') OR lower({Quote(ClaimsColumns.Category)}) NOT IN ({Names(fromClaims)})), "
            + $"COUNT(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM vbc_member_file m WHERE m.{Quote(id)} = c.{Quote(ClaimsColumns.MemberId)})) "
            + "FROM vbc_claims c";
        using var reader = command.ExecuteReader();
        reader.Read();
        return Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) == 0 && Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) == 0;
    }

    /// <summary>
    /// The relation <c>members</c>: the member file's columns and, per column of <paramref name="fromClaims"/>, the sum of
    /// each member's claims in that category (0 without any), as an exact DECIMAL wide enough for the largest sum.
    /// </summary>
    public static void JoinClaims(DuckDBConnection connection, string id, IReadOnlyList<string> fromClaims)
    {
        string memberId = Quote(ClaimsColumns.MemberId);
        var sums = fromClaims.Select(c => $"SUM({Quote(ClaimsColumns.Amount)}) FILTER (WHERE lower({Quote(ClaimsColumns.Category)}) = {Literal(c.Trim().ToLowerInvariant())}) AS {Quote(c)}").ToList();
        Execute(connection, $"CREATE TEMP TABLE vbc_claim_sums AS SELECT {memberId}{string.Concat(sums.Select(s => ", " + s))} FROM vbc_claims GROUP BY {memberId}");
        int scale = 0;
        var whole = new List<int>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT numeric_scale FROM information_schema.columns WHERE table_name = 'vbc_claims' AND column_name = {Literal(ClaimsColumns.Amount)}";
            scale = Convert.ToInt32(command.ExecuteScalar() ?? 0, CultureInfo.InvariantCulture);
        }
        if (fromClaims.Count > 0)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {string.Join(", ", fromClaims.Select(c => $"length(CAST(COALESCE(MAX(floor(abs({Quote(c)}))), 0) AS HUGEINT)::VARCHAR)"))} FROM vbc_claim_sums";
            using var reader = command.ExecuteReader();
            reader.Read();
            for (int i = 0; i < fromClaims.Count; i++)
            {
                whole.Add(Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture));
            }
        }
        var columns = fromClaims.Select((c, i) => $", CAST(COALESCE(s.{Quote(c)}, 0) AS DECIMAL({Math.Min(38, whole[i] + scale)}, {scale})) AS {Quote(c)}");
        Execute(connection, $"CREATE TEMP TABLE members AS SELECT m.*{string.Concat(columns)} FROM vbc_member_file m "
            + $"LEFT JOIN vbc_claim_sums s ON s.{memberId} = m.{Quote(id)} ORDER BY m.rowid");
        Execute(connection, "DROP TABLE vbc_claim_sums");
        Execute(connection, "DROP TABLE vbc_claims");
        Execute(connection, "DROP TABLE vbc_member_file");
    }

    /// <summary>The first cell of a column the predicates do not accept, named by its data row (VBC4050).</summary>
    private static Diagnostic FirstNotRead(DuckDBConnection connection, string path, Cell cell)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT rowid + 1, CAST({Quote(cell.Column)} AS VARCHAR) FROM raw WHERE NOT COALESCE({cell.Valid}, FALSE) ORDER BY rowid LIMIT 1";
        using var reader = command.ExecuteReader();
        reader.Read();
        long row = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
        string text = reader.IsDBNull(1) ? "" : reader.GetString(1);
        return DatabaseDiagnostics.ValueNotRead(path, 0, row, cell.Column, text, cell.Why, "duckdb");
    }

    private static List<(string Name, string Type)> Columns(DuckDBConnection connection, string relation)
    {
        var columns = new List<(string, string)>();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = {Literal(relation)} ORDER BY ordinal_position";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }
        return columns;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    public static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

    /// <summary>
    /// One declared column: the SQL predicate that holds for exactly the cells read (a subset of the reader's
    /// grammar), the digits of a number before and after its point, and the conversion to the exact value.
    /// </summary>
    internal sealed record Cell
    {
        public required ColumnPlan Plan { get; init; }

        public required string Column { get; init; }

        /// <summary>The cell's text without spaces and tabs at either end, as the reader trims it ('' for an empty cell).</summary>
        public required string Trimmed { get; init; }

        public required string Valid { get; init; }

        public string? Whole { get; init; }

        public string? Fraction { get; init; }

        /// <summary>Holds for a cell in its kind's plain shape (null: no plain shape), which <see cref="PlainValue"/> converts.</summary>
        public string? Shape { get; init; }

        /// <summary>The exact value of a cell in the plain shape, as <see cref="Value"/> gives it for that cell.</summary>
        public Func<int, int, string>? PlainValue { get; init; }

        /// <summary>Why a cell is not read, for VBC4050.</summary>
        public required string Why { get; init; }

        /// <summary>The exact value, given the column's largest digit counts before and after the point.</summary>
        public required Func<int, int, string> Value { get; init; }

        // Plain numbers: an optional sign, digits with an optional point, or a point and digits.
        private const string Plain = "[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)";

        // Money: a sign, then $, or $ then a sign; the whole part with thousands separators in groups of three, or none.
        private const string Money = "([+-]?[$]?|[$][+-])(([0-9]{1,3}(,[0-9]{3})+|[0-9]+)([.][0-9]*)?|[.][0-9]+)";

        public static Cell? For(ColumnPlan plan, string column, string type)
        {
            string q = Quote(column);
            if (type != "VARCHAR")
            {
                return Typed(plan, column, q, type);
            }
            string t = $"trim(COALESCE({q}, ''), ' ' || chr(9))";
            // Digits of the number with its sign, $, separators, % and inner spaces taken out: the only other
            // characters a cell the predicate accepts may hold (so a translate does what a regular expression would).
            string digits = $"translate({t}, '$,+-% ' || chr(9), '')";
            var general = Build(plan, column, new Forms(t,
                $"length(split_part({digits}, '.', 1))",
                $"length(split_part({digits}, '.', 2))",
                $"replace(replace(replace({t}, '$', ''), ',', ''), '+', '')"));
            if (plan.Kind == PlanKind.Flag)
            {
                // The common flag is 1 or 0 as it stands: no trimming or lower-casing.
                var bit = general with { Valid = "TRUE", Value = (_, _) => $"{q} = '1'" };
                return Combined(bit, general, $"{q} IN ('1', '0')");
            }
            if (FastShape(plan.Kind) is not { } shape)
            {
                return general;
            }
            // The common cell is plain (digits, a point, an optional minus; no spaces, $, separators or %): for it the
            // text needs no trimming, its digits are counted from where its point is, and it converts as it stands.
            // The plain forms are the general ones specialised to a plain cell, so both accept the same cells with the
            // same value (proved cell by cell in the tests).
            string dot = $"strpos({q}, '.')";
            string sign = shape.StartsWith("-?", StringComparison.Ordinal) ? $" - CASE WHEN starts_with({q}, '-') THEN 1 ELSE 0 END" : "";
            var plain = Build(plan, column, new Forms(q,
                $"(CASE WHEN {dot} > 0 THEN {dot} - 1 ELSE length({q}) END{sign})",
                $"(CASE WHEN {dot} > 0 THEN length({q}) - {dot} ELSE 0 END)",
                q, Plain: true));
            return Combined(plain, general, $"regexp_full_match({q}, '({shape})')");
        }

        /// <summary>The plain cell's forms where <paramref name="shape"/> holds, the general ones elsewhere.</summary>
        private static Cell Combined(Cell plain, Cell general, string shape) =>
            (general with { Shape = shape, PlainValue = plain.Value, Parts = (plain, general) }).Given(shape);

        /// <summary>
        /// The cell's forms with <paramref name="isPlain"/> (the shape, or a column that holds it already worked out) to
        /// choose between the plain and the general forms. The general forms, their regular expressions and
        /// translations, are evaluated only for the cells that are not plain: DuckDB's CASE evaluates a branch for the
        /// rows that take it.
        /// </summary>
        public Cell Given(string isPlain)
        {
            if (Parts is not var (plain, general))
            {
                return this;
            }
            string Either(string a, string b) => $"(CASE WHEN {isPlain} THEN {a} ELSE {b} END)";
            return this with
            {
                Valid = Either(plain.Valid, general.Valid),
                Whole = general.Whole is null ? null : Either(plain.Whole!, general.Whole),
                Fraction = general.Fraction is null ? null : Either(plain.Fraction!, general.Fraction),
                Value = (w, f) => Either(plain.Value(w, f), general.Value(w, f)),
            };
        }

        /// <summary>The plain and general cells this one chooses between (null: one form for every cell).</summary>
        private (Cell Plain, Cell General)? Parts { get; init; }

        /// <summary>
        /// The plain shape of a number kind: a subset of the cells its general predicate takes, with no character to
        /// trim or take out before counting digits or converting; null for kinds read without numbers.
        /// </summary>
        /// <remarks>A kind with a range has it written into its shape (member months 0 to 12, a fraction from -1 to 1, a
        /// year from 1000 to 9999), so a plain cell's range is not checked by a conversion: DuckDB converts text to a wide
        /// DECIMAL slowly (about 9 microseconds a cell).</remarks>
        private static string? FastShape(PlanKind kind) => kind switch
        {
            PlanKind.Decimal => "-?[0-9]+([.][0-9]*)?",
            PlanKind.Percent => "-?(0*1([.]0*)?|0+([.][0-9]*)?)",
            PlanKind.MemberMonths => "0*([0-9]|1[01])([.][0-9]*)?|0*12([.]0*)?",
            PlanKind.Count => "[0-9]+([.]0*)?",
            PlanKind.Year => "[1-9][0-9]{3}([.]0*)?",
            _ => null,
        };

        /// <summary>A cell's text (trimmed), its digit counts before and after the point, and the number to convert.</summary>
        private sealed record Forms(string T, string Whole, string Fraction, string Number, bool Plain = false);

        private static Cell Build(ColumnPlan plan, string column, Forms forms)
        {
            var (t, whole, fraction, number) = (forms.T, forms.Whole, forms.Fraction, forms.Number);
            // The kind's grammar; TRUE for a cell already known to be in its plain shape (a subset of every grammar here).
            string Grammar(string regex) => forms.Plain ? "TRUE" : $"regexp_full_match({t}, '{regex}')";
            string fits = $"{whole} + {fraction} <= {MaxDigits}";
            string Exact(int w, int f) => $"CAST({number} AS DECIMAL({w + f}, {f}))";
            string Within(string low, string high) => forms.Plain
                ? "TRUE"
                : $"TRY_CAST({number} AS DECIMAL(38, {MaxDigits - 10})) BETWEEN {low} AND {high}";
            switch (plan.Kind)
            {
                case PlanKind.Decimal:
                    return new Cell
                    {
                        Plan = plan, Column = column, Trimmed = t,
                        Valid = $"({Grammar(plan.AllowDollar ? Money : Plain)} AND {fits})",
                        Whole = whole, Fraction = fraction,
                        Why = $"at most {MaxDigits} digits are read, written {(plan.AllowDollar ? "as 1234.56, -12.50 or $1,234.56" : "as 1234.56 or -12.5")}",
                        Value = Exact,
                    };
                case PlanKind.MemberMonths:
                    return new Cell
                    {
                        Plan = plan, Column = column, Trimmed = t,
                        Valid = $"({Grammar(Plain)} AND {fits} AND {whole} <= 10 AND {Within("0", "12")})",
                        Whole = whole, Fraction = fraction,
                        Why = "member months from 0 to 12",
                        Value = Exact,
                    };
                case PlanKind.Count:
                    return new Cell
                    {
                        Plan = plan, Column = column, Trimmed = t,
                        Valid = $"({Grammar("([+]?[0-9]+|-0+)([.]0*)?")} AND {whole} <= 18)",
                        Whole = whole,
                        Why = "a whole number of 0 or more",
                        Value = (w, _) => $"CAST({number} AS DECIMAL({w + 1}, 1))::DECIMAL({w}, 0)",
                    };
                case PlanKind.Year:
                    return new Cell
                    {
                        Plan = plan, Column = column, Trimmed = t,
                        Valid = $"({Grammar("[+]?[0-9]+([.]0*)?")} AND {whole} <= 18 AND {Within("1000", "9999")})",
                        Whole = whole,
                        Why = "a four-digit year",
                        Value = (w, _) => $"CAST({number} AS DECIMAL({w + 1}, 1))::DECIMAL({w}, 0)",
                    };
                case PlanKind.Percent:
                    // 92% is 0.92 (spaces may stand before the %); a plain number is a fraction from -1 to 1.
                    string bare = $"rtrim(rtrim({t}, '%'), ' ' || chr(9))";
                    string bareNumber = $"replace({bare}, '+', '')";
                    return new Cell
                    {
                        Plan = plan, Column = column, Trimmed = t,
                        Valid = $"(CASE WHEN {t} LIKE '%\\%' ESCAPE '\\' THEN regexp_full_match({t}, '{Plain}[ \t]*%') AND {fraction} <= 26 "
                            + $"ELSE {Grammar(Plain)} AND {whole} <= 10 AND {Within("-1", "1")} END AND {fits})",
                        Whole = whole, Fraction = fraction,
                        Why = "a percentage such as 92% or a fraction from -1 to 1",
                        Value = (w, f) => $"CASE WHEN {t} LIKE '%\\%' ESCAPE '\\' THEN CAST({bareNumber} AS DECIMAL({w + f}, {f})) * CAST(0.01 AS DECIMAL(3, 2)) "
                            + $"ELSE CAST({number} AS DECIMAL({w + f}, {f})) END::DECIMAL({w + f + 2}, {f + 2})",
                    };
                case PlanKind.Flag:
                    return new Cell
                    {
                        Plan = plan, Column = column, Trimmed = t,
                        Valid = $"lower({t}) IN ('1', '0', 'y', 'n', 't', 'f', 'true', 'false', 'yes', 'no')",
                        Why = "one of 1/0, true/false, yes/no, y/n or t/f",
                        Value = (_, _) => $"lower({t}) IN ('1', 'y', 't', 'true', 'yes')",
                    };
                case PlanKind.Date:
                    return new Cell
                    {
                        Plan = plan, Column = column, Trimmed = t,
                        Valid = $"(regexp_full_match({t}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND {t} >= '0001' AND strftime(TRY_CAST({t} AS DATE), '%Y-%m-%d') = {t})",
                        Why = "a date as YYYY-MM-DD",
                        Value = (_, _) => $"CAST({t} AS DATE)",
                    };
                default:
                    // Text: a quote inside a cell is left to the reader (it refuses one in an unquoted cell), as is a NUL.
                    return new Cell
                    {
                        Plan = plan, Column = column, Trimmed = t,
                        Valid = $"(strpos({t}, '\"') = 0 AND strpos({t}, chr(0)) = 0{(plan.Spec.IsId || plan.Required ? $" AND {t} <> ''" : "")})",
                        Why = "text with a double quote inside is read only by vbc's reader",
                        Value = (_, _) => t,
                    };
            }
        }

        /// <summary>A typed Parquet column: DECIMAL and integers as they are (the reader's checks in SQL), BOOLEAN, DATE.</summary>
        private static Cell? Typed(ColumnPlan plan, string column, string q, string type)
        {
            bool integer = type is "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT";
            bool isDecimal = type.StartsWith("DECIMAL(", StringComparison.Ordinal);
            string notNull = $"{q} IS NOT NULL";
            switch (plan.Kind)
            {
                case PlanKind.Decimal when isDecimal || (integer && !plan.IsMoney):
                    return Same(plan, column, q, notNull, "a number");
                case PlanKind.MemberMonths when isDecimal || integer:
                    return Same(plan, column, q, $"({q} BETWEEN 0 AND 12)", "member months from 0 to 12");
                case PlanKind.Percent when isDecimal || integer:
                    return Same(plan, column, q, $"({q} BETWEEN -1 AND 1)", "a fraction from -1 to 1");
                case PlanKind.Count when isDecimal || integer:
                    return Same(plan, column, q, $"({q} >= 0 AND {q} = FLOOR({q}))", "a whole number of 0 or more", whole: true);
                case PlanKind.Year when isDecimal || integer:
                    return Same(plan, column, q, $"({q} BETWEEN 1000 AND 9999 AND {q} = FLOOR({q}))", "a four-digit year", whole: true);
                case PlanKind.Flag when type == "BOOLEAN":
                    return Same(plan, column, q, notNull, "yes or no");
                case PlanKind.Flag when integer:
                    // The reader takes 1 and 0 in an integer column as yes and no.
                    return Same(plan, column, q, $"({q} IN (0, 1))", "1 or 0") with { Value = (_, _) => $"({q} = 1)" };
                case PlanKind.Text when integer:
                    return Same(plan, column, q, notNull, "a whole number written as text") with { Value = (_, _) => $"CAST({q} AS VARCHAR)" };
                case PlanKind.Date when type == "DATE":
                    return Same(plan, column, q, notNull, "a date");
                default:
                    return null;
            }
        }

        private static Cell Same(ColumnPlan plan, string column, string q, string valid, string why, bool whole = false) => new()
        {
            Plan = plan,
            Column = column,
            Trimmed = q,
            Valid = $"({q} IS NOT NULL AND {valid})",
            Why = why,
            Value = (_, _) => whole ? $"CAST({q} AS DECIMAL(38, 0))" : q,
        };
    }
}
