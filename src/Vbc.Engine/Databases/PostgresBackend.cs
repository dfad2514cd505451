using System.Globalization;
using Npgsql;
using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.MemberLevel;
using Vbc.MemberStage;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Sql;

namespace Vbc.Databases;

/// <summary>
/// <c>vbc settle --engine postgres --connection CS --table T</c>: the member-level stage of a one-table run executed by
/// PostgreSQL over a table (or view), from the query <see cref="SqlCompiler"/> writes; only the figures come back.
///
/// <para>Before the query runs, the table's columns are checked as vbc's reader checks a file: every declared column
/// present (VBC4057), of a type that holds its values exactly (money and numbers NUMERIC or an integer, never
/// REAL/DOUBLE PRECISION/MONEY: VBC4055), and every value one the reader accepts (no NULL, a percent from -1 to 1,
/// whole counts, years from 1000 to 9999, member months from 0 to 12, at most 28 significant digits, ids given
/// once: VBC4056). A table has no lines: rows are named by their id.</para>
/// </summary>
public sealed class PostgresBackend : MemberStageBackend
{
    private readonly string _connection;
    private readonly string _table;

    /// <param name="connection">An Npgsql connection string.</param>
    /// <param name="table">The table or view holding one row per member (or episode): NAME or SCHEMA.NAME.</param>
    public PostgresBackend(string connection, string table)
    {
        _connection = connection;
        _table = table;
    }

    public override string Name => "postgres";

    internal override bool ReadsRequestData => false;

    /// <summary>The table as named in messages and on the statement.</summary>
    public string Source => SourceOf(_table);

    private static string SourceOf(string table) => $"PostgreSQL table {table}";

    /// <summary>
    /// For a contract with several tables: each contract table's table or view in the database, by the contract's table
    /// name (--table for the table the others join to, --episodes-table for the other).
    /// </summary>
    public IReadOnlyDictionary<string, string> Tables { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// --claims-table: a long claims table (member id, category, amount; the columns of a claims file) whose claims are
    /// summed per member into the declared money columns the member table lacks; null for none.
    /// </summary>
    public string? ClaimsTable { get; init; }

    internal override StageRun Run(StageJob job)
    {
        if (job.ExcludeBadRows && !job.Specs.Any(s => s.IsId))
        {
            return StageRun.Failed(DatabaseDiagnostics.ExcludeBadRowsNotSupported(job.At, Name));
        }
        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(_connection);
            connection.Open();
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            return StageRun.Failed(DatabaseDiagnostics.CannotConnect(Source, Name, e.Message));
        }
        using (connection)
        {
            try
            {
                // With --exclude-bad-rows, a table without a bad row has none to leave out: the query's figures stand. A
                // value the reader refuses, or a row that cannot be computed, sends the rows to vbc's own reader and
                // kernels, which leave out and list each bad row as they do a file's.
                if (ClaimsTable is { } claimsTable)
                {
                    return RunWithClaims(connection, job, claimsTable);
                }
                var export = job.ExcludeBadRows ? new TableExport(Source) { LeaveOut = true } : null;
                if (Prepare(connection, _table, "members", job.Specs, out var ignored, export) is { Count: > 0 } problems)
                {
                    return StageRun.Failed(problems);
                }
                if (export is { BadValues: true })
                {
                    return export.Settle(connection, job, ignored);
                }
                return Query(connection, job, ignored, null, export is null ? null : () => export.Settle(connection, job, ignored));
            }
            catch (FigureException e)
            {
                return StageRun.Failed(DatabaseDiagnostics.FigureTooPrecise(Source, Name, e.Figure, e.Text));
            }
            catch (PostgresException e)
            {
                return StageRun.Failed(DatabaseDiagnostics.DatabaseFailed(Source, Name, e.MessageText));
            }
        }
    }

    /// <summary>
    /// With --claims-table: the member table's columns and, for each declared money column the member table lacks, the
    /// sum of each member's claims in that category (0 without any), computed in PostgreSQL as vbc's claims reader sums
    /// a claims file. Claims out of the ordinary (a category not declared, or one the member table also has as a
    /// column, or not plain ASCII; an empty member id or category; a member id with no row) are read by vbc's own
    /// reader, which reports them as for a file; so are bad rows with --exclude-bad-rows.
    /// </summary>
    private StageRun RunWithClaims(NpgsqlConnection connection, StageJob job, string claimsTable)
    {
        string claimsSource = SourceOf(claimsTable);
        var (_, memberColumns) = Columns(connection, _table);
        if (memberColumns is null)
        {
            return StageRun.Failed(DatabaseDiagnostics.CannotConnect(Source, Name, $"there is no table or view '{_table}' (or it may not be read)"));
        }
        bool InTable(ColumnSpec spec) => memberColumns.Any(c => string.Equals(c.Name, spec.Name.Trim(), StringComparison.OrdinalIgnoreCase));
        var fromClaims = job.Specs.Where(s => s.Type == Vbc.Semantics.ValueType.Money && !InTable(s)).ToList();
        var memberSpecs = job.Specs.Where(s => !fromClaims.Contains(s)).ToList();
        var members = new TableExport(Source) { LeaveOut = job.ExcludeBadRows };
        var claims = new TableExport(claimsSource) { LeaveOut = job.ExcludeBadRows };
        if (Prepare(connection, _table, "vbc_member_rows", memberSpecs, out var ignored, members) is { Count: > 0 } problems)
        {
            return StageRun.Failed(problems);
        }
        if (Prepare(connection, claimsTable, "vbc_claims", ClaimsColumns.Plans().Select(p => p.Spec).ToList(), out _, claims) is { Count: > 0 } claimsProblems)
        {
            return StageRun.Failed(claimsProblems);
        }
        if (members.BadValues || claims.BadValues || members.IdColumn is null || !ClaimsInTheOrdinary(connection, members.IdColumn, fromClaims))
        {
            return members.Settle(connection, job, ignored, claims);
        }
        string id = Quote(members.IdColumn), memberId = Quote(ClaimsColumns.MemberId), category = Quote(ClaimsColumns.Category), amount = Quote(ClaimsColumns.Amount);
        var sums = fromClaims.Select(c => $", SUM({amount}) FILTER (WHERE lower({category}) = '{c.Name.Trim().ToLowerInvariant().Replace("'", "''")}') AS {Quote(c.Name)}");
        Execute(connection, $"CREATE TEMP VIEW members AS SELECT m.*{string.Concat(fromClaims.Select(c => $", COALESCE(s.{Quote(c.Name)}, 0) AS {Quote(c.Name)}"))} "
            + $"FROM vbc_member_rows m LEFT JOIN (SELECT {memberId}{string.Concat(sums)} FROM vbc_claims GROUP BY {memberId}) s ON s.{memberId} = m.{id}");
        return Query(connection, job, ignored, claimsSource, job.ExcludeBadRows ? () => members.Settle(connection, job, ignored, claims) : null);
    }

    /// <summary>
    /// The member-level stage as one query over the table (or the view that adds the claims): only its figures come
    /// back. Rows that cannot be computed fail the run, or with --exclude-bad-rows go to <paramref name="readRows"/>
    /// (vbc's own reader, which leaves out and lists each bad row).
    /// </summary>
    private StageRun Query(NpgsqlConnection connection, StageJob job, IReadOnlyList<string> ignored, string? claimsSource, Func<StageRun>? readRows)
    {
        var table = job.Lower();
        var compiled = SqlStage.Compile(table, SqlDialect.Postgres, job.At);
        if (compiled.Sql is null)
        {
            return StageRun.Failed(compiled.Diagnostics);
        }
        var figures = SqlStage.Run(connection, compiled.Sql);
        if (ProblemRows(table, figures, Source) is { } problem)
        {
            return readRows is null ? StageRun.Failed(problem) : readRows();
        }
        return new StageRun(SqlStage.ToResult(table, figures), Array.Empty<Diagnostic>(),
            new StageData(Source, ignored, Array.Empty<ExcludedRow>(), Array.Empty<Diagnostic>(), claimsSource, Array.Empty<ClaimsNote>()));
    }

    /// <summary>
    /// Whether every claim (the view <c>vbc_claims</c>) has a member id and a category, its category is one of
    /// <paramref name="fromClaims"/> (plain ASCII, compared ignoring case as the claims reader compares), and its member
    /// a row of <c>vbc_member_rows</c>: otherwise vbc's reader reports the rest.
    /// </summary>
    private static bool ClaimsInTheOrdinary(NpgsqlConnection connection, string id, IReadOnlyList<ColumnSpec> fromClaims)
    {
        if (fromClaims.Any(s => s.Name.Trim().Any(c => c > '~' || c < ' ')))
        {
            return false;
        }
        string category = Quote(ClaimsColumns.Category), memberId = Quote(ClaimsColumns.MemberId);
        string declared = fromClaims.Count == 0 ? "TRUE"
            : $"lower({category}) NOT IN ({string.Join(", ", fromClaims.Select(s => $"'{s.Name.Trim().ToLowerInvariant().Replace("'", "''")}'"))})";
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM vbc_claims c WHERE c.{memberId} = '' OR c.{category} = '' OR c.{category} !~ '^[ -~]*$' OR {declared} "
            + $"OR NOT EXISTS (SELECT 1 FROM vbc_member_rows m WHERE m.{Quote(id)} = c.{memberId})";
        command.CommandTimeout = 0;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0;
    }

    internal override OrganisationStages RunByOrganisation(IReadOnlyList<LoweredTable> programs, IReadOnlyList<ColumnSpec> specs, IrColumn column, Location at, bool excludeBadRows)
    {
        if (excludeBadRows)
        {
            return OrganisationStages.Failed(new[] { DatabaseDiagnostics.ExcludeBadRowsNotSupported(at, Name) });
        }
        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(_connection);
            connection.Open();
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            return OrganisationStages.Failed(new[] { DatabaseDiagnostics.CannotConnect(Source, Name, e.Message) });
        }
        using (connection)
        {
            try
            {
                if (Prepare(connection, specs, out var ignored) is { Count: > 0 } problems)
                {
                    return OrganisationStages.Failed(problems);
                }
                var perProgram = new List<IReadOnlyDictionary<string, OrganisationFigures>>();
                foreach (var program in programs)
                {
                    var compiled = SqlStage.CompileGrouped(program, SqlDialect.Postgres, at, column);
                    if (compiled.Sql is null)
                    {
                        return OrganisationStages.Failed(compiled.Diagnostics);
                    }
                    var byOrganisation = new Dictionary<string, OrganisationFigures>(StringComparer.Ordinal);
                    foreach (var (organisation, figures) in SqlStage.RunGrouped(connection, compiled.Sql))
                    {
                        var (rows, cost) = SqlStage.RowsAndCost(figures);
                        // A table has no lines: an organisation's rows are named by the table and the organisation.
                        byOrganisation[organisation] = ProblemRows(program, figures, $"{Source} (rows where {column.Name} = {organisation})") is { } problem
                            ? new OrganisationFigures(null, problem, rows, cost, 0)
                            : new OrganisationFigures(SqlStage.ToResult(program, figures), null, rows, cost, 0);
                    }
                    perProgram.Add(byOrganisation);
                }
                return new OrganisationStages(Array.Empty<Diagnostic>(), null, null,
                    new StageData(Source, ignored, Array.Empty<ExcludedRow>(), Array.Empty<Diagnostic>(), null, Array.Empty<ClaimsNote>()), perProgram);
            }
            catch (FigureException e)
            {
                return OrganisationStages.Failed(new[] { DatabaseDiagnostics.FigureTooPrecise(Source, Name, e.Figure, e.Text) });
            }
            catch (PostgresException e)
            {
                return OrganisationStages.Failed(new[] { DatabaseDiagnostics.DatabaseFailed(Source, Name, e.MessageText) });
            }
        }
    }

    internal override TablesRun RunTables(IReadOnlyList<TableJob> jobs, Location at)
    {
        if (jobs.Count > 0 && jobs[0].ExcludeBadRows)
        {
            return TablesRun.Failed(DatabaseDiagnostics.ExcludeBadRowsNotSupported(at, Name));
        }
        var names = new List<string>();
        foreach (var job in jobs)
        {
            if (!Tables.TryGetValue(job.Table, out var name))
            {
                return TablesRun.Failed(DatabaseDiagnostics.TableNotGiven(at, Name, job.Table, "give --table TABLE=NAME once per table (with two tables, --table for the one the others join to and --episodes-table for the other will do)"));
            }
            names.Add(name);
        }
        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(_connection);
            connection.Open();
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            return TablesRun.Failed(DatabaseDiagnostics.CannotConnect(SourceOf(names[0]), Name, e.Message));
        }
        using (connection)
        {
            string current = SourceOf(names[0]);
            try
            {
                var ignored = new List<IReadOnlyList<string>>();
                for (int t = 0; t < jobs.Count; t++)
                {
                    current = SourceOf(names[t]);
                    if (Prepare(connection, names[t], jobs[t].Table, jobs[t].Specs, out var notRead) is { Count: > 0 } problems)
                    {
                        return TablesRun.Failed(problems);
                    }
                    ignored.Add(notRead);
                }
                var lowered = jobs.Select(j => j.Lower()).ToList();
                var compiled = SqlStage.CompileTables(lowered, SqlDialect.Postgres, at);
                if (compiled.Sql is null)
                {
                    return TablesRun.Failed(compiled.Diagnostics);
                }
                var byTable = SqlStage.RunGrouped(connection, compiled.Sql);
                var tables = new List<TableFigures>();
                for (int t = 0; t < jobs.Count; t++)
                {
                    current = SourceOf(names[t]);
                    var figures = byTable.GetValueOrDefault(jobs[t].Table) ?? new List<FigureRow>();
                    if (ProblemRows(lowered[t], figures, current) is { } problem)
                    {
                        return TablesRun.Failed(problem);
                    }
                    var money = jobs[t].Specs.Where(s => s.Type == Vbc.Semantics.ValueType.Money).Select(s => s.Name).ToList();
                    var (rows, dollars) = SqlStage.TableDollars(connection, Quote(jobs[t].Table), money, "TEXT");
                    // Rows whose join id is in no row of the table joined: still counted, warned once per join with the
                    // first such row named by its key (a table has no lines), their dollars summed as in memory.
                    long unmatchedRows = 0;
                    decimal unmatchedDollars = 0m;
                    var warnings = new List<Diagnostic>();
                    foreach (var (column, joinsTo) in jobs[t].Joins)
                    {
                        int other = jobs.ToList().FindIndex(j => string.Equals(j.Table, joinsTo, StringComparison.OrdinalIgnoreCase));
                        if (other < 0 || other >= t || jobs[other].Specs.FirstOrDefault(s => s.IsId) is not { } otherId)
                        {
                            continue;
                        }
                        var ownId = jobs[t].Specs.FirstOrDefault(s => s.IsId && !string.Equals(s.Name, column, StringComparison.OrdinalIgnoreCase));
                        if (Unmatched(connection, jobs[t].Table, column, ownId?.Name, money, joinsTo, otherId.Name) is { } found)
                        {
                            unmatchedRows += found.Rows;
                            unmatchedDollars += found.Dollars;
                            warnings.Add(DatabaseDiagnostics.RowsJoinNothing(current, jobs[t].Table, column, found.Rows, found.Dollars,
                                found.FirstKey, found.FirstValue, joinsTo, SourceOf(names[other])));
                        }
                    }
                    tables.Add(new TableFigures(lowered[t], SqlStage.ToResult(lowered[t], figures),
                        new StageData(current, ignored[t], Array.Empty<ExcludedRow>(), Array.Empty<Diagnostic>(), null, Array.Empty<ClaimsNote>()),
                        rows, dollars, money.Count > 0, unmatchedRows, unmatchedDollars, warnings));
                }
                return new TablesRun(Array.Empty<Diagnostic>(), null, null, tables);
            }
            catch (FigureException e)
            {
                return TablesRun.Failed(DatabaseDiagnostics.FigureTooPrecise(current, Name, e.Figure, e.Text));
            }
            catch (PostgresException e)
            {
                return TablesRun.Failed(DatabaseDiagnostics.DatabaseFailed(current, Name, e.MessageText));
            }
        }
    }

    /// <summary>
    /// The rows of <paramref name="view"/> whose <paramref name="column"/> is in no row of <paramref name="joined"/>:
    /// their count, their dollars (the declared money columns), and the first by its key (the row's own id, or the join
    /// column's value); null when every row joins.
    /// </summary>
    private static (long Rows, decimal Dollars, string FirstKey, string FirstValue)? Unmatched(NpgsqlConnection connection, string view, string column,
        string? ownId, IReadOnlyList<string> money, string joined, string joinedId)
    {
        string key = ownId is null ? Quote(column) : Quote(ownId);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) OVER (), CAST(SUM({SqlStage.RowDollars(money)}) OVER () AS TEXT), CAST({key} AS TEXT), CAST({Quote(column)} AS TEXT) "
            + $"FROM {Quote(view)} j WHERE NOT EXISTS (SELECT 1 FROM {Quote(joined)} m WHERE m.{Quote(joinedId)} = j.{Quote(column)}) "
            + $"ORDER BY CAST({key} AS TEXT) COLLATE \"C\" LIMIT 1";
        command.CommandTimeout = 0;
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }
        return (reader.GetInt64(0), SqlStage.Exact("unmatched dollars", reader.GetString(1)), reader.GetString(2), reader.GetString(3));
    }

    /// <summary>The rows with a row problem as one diagnostic (VBC4054: counted with the first kind of problem); null when there are none.</summary>
    private static Diagnostic? ProblemRows(LoweredTable table, List<FigureRow> figures, string source)
    {
        var (problemRows, first) = SqlStage.ProblemRows(figures);
        if (problemRows == 0)
        {
            return null;
        }
        var cost = SqlStage.Exact("problem rows", figures.Single(f => f.Figure == "problem rows").Amount ?? "0");
        var problem = table.Map.Problems[int.Parse(first!.Key!, CultureInfo.InvariantCulture) - 1];
        var at = Location.In(table.Map.Source, problem.Span);
        return DatabaseDiagnostics.ProblemRows(source, problemRows, cost, problem.Message, at.ToString());
    }

    /// <summary>
    /// Checks the table's columns and values as vbc's reader checks a file and creates the view <c>members</c> the
    /// compiled query reads: the problems found (none: the view is there).
    /// </summary>
    private List<Diagnostic> Prepare(NpgsqlConnection connection, IReadOnlyList<ColumnSpec> specs, out IReadOnlyList<string> ignored) =>
        Prepare(connection, _table, "members", specs, out ignored);

    /// <summary>
    /// <see cref="Prepare(NpgsqlConnection, IReadOnlyList{ColumnSpec}, out IReadOnlyList{string})"/> for the table or
    /// view <paramref name="table"/>, creating the view <paramref name="view"/> (each of several tables is read by the
    /// compiled query under its name in the contract).
    /// </summary>
    /// <param name="export">
    /// Filled with how vbc's own reader would read the table (the columns as text). With its
    /// <see cref="TableExport.LeaveOut"/> (--exclude-bad-rows), values vbc's reader refuses do not stop the run;
    /// <see cref="TableExport.BadValues"/> says whether there are any (ids given twice still stop it: a table's rows
    /// have no order to say which of the two is kept).
    /// </param>
    private List<Diagnostic> Prepare(NpgsqlConnection connection, string table, string view, IReadOnlyList<ColumnSpec> specs, out IReadOnlyList<string> ignored,
        TableExport? export = null)
    {
        string source = SourceOf(table);
        var (relation, columns) = Columns(connection, table);
        if (columns is null)
        {
            ignored = Array.Empty<string>();
            return new List<Diagnostic> { DatabaseDiagnostics.CannotConnect(source, Name, $"there is no table or view '{table}' (or it may not be read)") };
        }
        var plans = specs.Select((s, i) => ColumnPlan.For(s, i, required: false)).ToList();
        var problems = new List<Diagnostic>();
        var select = new List<string>();
        var checks = new List<(ColumnPlan Plan, string Name, string Bad, string Expected)>();
        foreach (var plan in plans)
        {
            string name = plan.Spec.Name.Trim();
            var column = columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (column.Name is null)
            {
                problems.Add(DatabaseDiagnostics.MissingColumn(source, plan.Spec.Name, plan.TypeName, string.Join(", ", columns.Select(c => c.Name))));
                continue;
            }
            if (Accepted(plan, column.Type) is { } accepted)
            {
                problems.Add(DatabaseDiagnostics.ColumnType(source, column.Name, plan.TypeName, column.Type, accepted));
                continue;
            }
            string q = Quote(column.Name);
            if (Bad(plan, q) is var bad && bad != "FALSE")
            {
                checks.Add((plan, column.Name, bad, plan.Expected));
            }
            // Text is read as the reader reads a cell: without spaces and tabs at either end, empty for none.
            select.Add(plan.Kind == PlanKind.Text ? $"COALESCE(btrim({q}, ' ' || chr(9)), '') AS {Quote(plan.Spec.Name)}" : $"{q} AS {Quote(plan.Spec.Name)}");
            export?.Columns.Add((plan.Spec.Name, TableExport.AsText(plan.Kind, q)));
            if (plan.Spec.IsId && export is not null)
            {
                export.IdColumn ??= plan.Spec.Name;
            }
        }
        ignored = columns.Select(c => c.Name).Where(n => !plans.Any(p => string.Equals(p.Spec.Name.Trim(), n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (problems.Count > 0)
        {
            return problems;
        }
        var idColumn = checks.FirstOrDefault(c => c.Plan.Spec.IsId).Name;
        foreach (var (plan, name, bad, expected) in checks)
        {
            if (export is { LeaveOut: true, BadValues: true })
            {
                break;
            }
            if (FirstBad(connection, relation, bad, name, idColumn) is { } found)
            {
                if (export is { LeaveOut: true })
                {
                    export.BadValues = true;
                    continue;
                }
                problems.Add(DatabaseDiagnostics.BadValues(source, name, found.Rows, found.Id, found.Value, expected));
            }
        }
        // Ids compare as the reader compares them: trimmed; a missing id is a value of its own kind, not a repeat.
        string trimmedId = $"btrim({Quote(idColumn ?? "")}, ' ' || chr(9))";
        if (idColumn is not null && FirstBad(connection, relation, $"{trimmedId} <> '' AND COUNT(*) OVER (PARTITION BY {trimmedId}) > 1", idColumn, idColumn, windowed: true) is { } twice)
        {
            problems.Add(DatabaseDiagnostics.BadValues(source, idColumn, twice.Rows, twice.Id, twice.Value,
                export is not { LeaveOut: true } ? "each id once" : "each id once (--exclude-bad-rows does not leave such rows out of a table: its rows have no order to say which of them is kept, as a file's first line is)"));
        }
        if (export is not null)
        {
            export.Relation = relation;
        }
        if (problems.Count > 0)
        {
            return problems;
        }
        Execute(connection, $"CREATE TEMP VIEW {Quote(view)} AS SELECT {string.Join(", ", select)} FROM {relation}");
        return problems;
    }

    /// <summary>Null when the column's type holds the declared values exactly; else what it must be.</summary>
    private static string? Accepted(ColumnPlan plan, string type)
    {
        bool numeric = type.StartsWith("numeric", StringComparison.Ordinal);
        bool integer = type is "smallint" or "integer" or "bigint";
        bool text = type == "text" || type.StartsWith("character varying", StringComparison.Ordinal) || type.StartsWith("character(", StringComparison.Ordinal);
        return plan.Kind switch
        {
            PlanKind.Flag => type == "boolean" ? null : "boolean",
            PlanKind.Date => type == "date" ? null : "date",
            PlanKind.Text => text ? null : "text or varchar",
            PlanKind.Decimal when plan.IsMoney || plan.AllowDollar => numeric ? null : "NUMERIC (for example NUMERIC(18,2))",
            PlanKind.Percent => numeric ? null : "NUMERIC (a fraction such as 0.92)",
            _ => numeric || integer ? null : "NUMERIC or an integer",
        };
    }

    /// <summary>The condition that holds for a value vbc's reader would refuse.</summary>
    private static string Bad(ColumnPlan plan, string q)
    {
        // Exactly a decimal: at most 28 significant digits and 28 decimals.
        string tooPrecise = $"(scale({q}) > 28 OR abs({q}) >= power(10::numeric, 28 - scale({q})))";
        return plan.Kind switch
        {
            PlanKind.Flag or PlanKind.Date => $"{q} IS NULL",
            PlanKind.Text => plan.Spec.IsId ? $"({q} IS NULL OR btrim({q}, ' ' || chr(9)) = '')" : "FALSE",
            PlanKind.Percent => $"({q} IS NULL OR {tooPrecise} OR {q} < -1 OR {q} > 1)",
            PlanKind.Count => $"({q} IS NULL OR {q} < 0 OR {q} <> trunc({q}) OR abs({q}) >= 1e18)",
            PlanKind.Year => $"({q} IS NULL OR {q} < 1000 OR {q} > 9999 OR {q} <> trunc({q}))",
            PlanKind.MemberMonths => $"({q} IS NULL OR {tooPrecise} OR {q} < 0 OR {q} > 12)",
            _ => $"({q} IS NULL OR {tooPrecise})",
        };
    }

    private static (long Rows, string Id, string Value)? FirstBad(NpgsqlConnection connection, string relation, string bad, string column, string? id, bool windowed = false)
    {
        string idText = id is null ? "NULL" : $"CAST({Quote(id)} AS TEXT)";
        string from = windowed ? $"(SELECT *, {bad} AS vbc_bad FROM {relation}) t" : relation;
        string where = windowed ? "vbc_bad" : bad;
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) OVER (), {idText}, CAST({Quote(column)} AS TEXT) FROM {from} WHERE {where} {(id is null ? "" : $"ORDER BY {idText} COLLATE \"C\" ")}LIMIT 1";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }
        return (reader.GetInt64(0), reader.IsDBNull(1) ? "(none)" : reader.GetString(1), reader.IsDBNull(2) ? "(NULL)" : reader.GetString(2));
    }

    /// <summary>The table as its schema-qualified, quoted name and its columns with their types; columns null when there is no such table or view.</summary>
    private static (string Relation, List<(string Name, string Type)>? Columns) Columns(NpgsqlConnection connection, string table)
    {
        string relation;
        using (var find = connection.CreateCommand())
        {
            find.CommandText = "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(@t)";
            find.Parameters.AddWithValue("t", table);
            using var reader = find.ExecuteReader();
            if (!reader.Read())
            {
                return ("", null);
            }
            relation = $"{Quote(reader.GetString(0))}.{Quote(reader.GetString(1))}";
        }
        var columns = new List<(string, string)>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(@t) AND attnum > 0 AND NOT attisdropped ORDER BY attnum";
        command.Parameters.AddWithValue("t", table);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        return (relation, columns);
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A connection string as shown on a statement: without its password (an unreadable one is shown as given only if it has none).</summary>
    public static string WithoutPassword(string connection)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connection);
            if (builder.Password is null)
            {
                return connection;
            }
            builder.Password = null;
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return connection.Contains("password", StringComparison.OrdinalIgnoreCase) ? "(a connection string)" : connection;
        }
    }

    internal static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
