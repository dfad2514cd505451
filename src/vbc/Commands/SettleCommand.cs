using System.CommandLine;
using System.Globalization;
using System.Text;
using Vbc.Data;
using Vbc.Databases;
using Vbc.Diagnostics;
using Vbc.MemberStage;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Portfolio;
using Vbc.Reports;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Cli.Commands;

/// <summary><c>vbc settle CONTRACT --data FILE ...</c>: settles a contract and prints the statement.</summary>
internal static class SettleCommand
{
    private sealed record Options(
        string Contract,
        string? Data,
        string? Claims,
        IReadOnlyList<string> Inputs,
        string? InputsFile,
        string? OrganisationColumn,
        int? Year,
        string Format,
        string? Out,
        bool ExcludeBadRows,
        IReadOnlyList<string> Arguments)
    {
        /// <summary>Each --data as given: FILE, or TABLE=FILE for a contract that names its tables.</summary>
        public IReadOnlyList<string> DataArguments { get; init; } = Array.Empty<string>();

        /// <summary>--plugins and --plugin-cache.</summary>
        public PluginOptions Plugins { get; init; } = PluginOptions.Default;

        /// <summary>The files of the tables after the first (whose file is <see cref="Data"/>), by table name.</summary>
        public IReadOnlyList<(string Table, string File)> MoreTables { get; init; } = Array.Empty<(string, string)>();

        /// <summary>--engine and its database options (memory, the default, reads the files itself).</summary>
        public EngineOptions Engine { get; init; } = new("memory", null, Array.Empty<string>(), null, null);
    }

    /// <summary>Where the member-level stage runs: --engine memory|duckdb|postgres, --connection, --table, --claims-table, --episodes-table.</summary>
    private sealed record EngineOptions(string Name, string? Connection, IReadOnlyList<string> TableArguments, string? ClaimsTable, string? EpisodesTable)
    {
        /// <summary>--table NAME: the one table, or with --episodes-table the table the others join to; null when none is given so.</summary>
        public string? Table => TableArguments.FirstOrDefault(t => !t.Contains('='));

        /// <summary>--table TABLE=NAME, once per table of a contract with several: the contract's table and the database's.</summary>
        public IReadOnlyList<(string Table, string Name)> NamedTables =>
            TableArguments.Where(t => t.Contains('=')).Select(t => (t[..t.IndexOf('=')].Trim(), t[(t.IndexOf('=') + 1)..].Trim())).ToList();
    }

    /// <summary>The --input NAME=VALUE arguments by name; null (the problem written) when one is not of that form or a name is given twice.</summary>
    internal static Dictionary<string, string>? InputPairs(IEnumerable<string> pairs, TextWriter error)
    {
        var given = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                error.WriteLine($"vbc: --input takes NAME=VALUE, for example --input quality_score=92%; got '{pair}'.");
                return null;
            }
            string name = pair[..eq].Trim();
            string value = pair[(eq + 1)..].Trim();
            if (given.TryGetValue(name, out var earlier))
            {
                error.WriteLine($"vbc: --input {name} is given twice ('{earlier}' and '{value}'). Give each input once.");
                return null;
            }
            given[name] = value;
        }
        return given;
    }

    public static Command Create(Streams console)
    {
        var contract = new Argument<string>("contract") { Description = "The contract (.vbc) to settle." };
        var data = new Option<string[]>("--data")
        {
            Description = "Member-level data: a CSV file with a header row and one row per member (or episode), or a Parquet file (known by its first bytes, whatever its name). A pipe or /dev/stdin is read once, as it streams; "
                + "a named pipe is read once a program opens it to write, and vbc stops with an error if none does within 30 seconds. "
                + "For a contract that names its tables: TABLE=FILE, once per table (--data members=members.csv).",
            AllowMultipleArgumentsPerToken = false,
        };
        var claims = new Option<string>("--claims") { Description = "A long claims file (member_id, category, amount) summed per member into the money columns the member file lacks." };
        var input = new Option<string[]>("--input")
        {
            Description = "An input value, NAME=VALUE (repeatable, once per name), for example --input quality_score=92%. Numbers are written as in data files: "
                + "$1,234,567.89 for money (one $ in front, commas only between groups of three digits), 92% or 0.92 for a percent, 9139 for a count.",
            AllowMultipleArgumentsPerToken = false,
        };
        var inputs = new Option<string>("--inputs") { Description = "A CSV file with one row per provider organisation: settles the contract once per row." };
        var organisationColumn = new Option<string>("--organisation-column")
        {
            Description = "With --inputs: the column naming each organisation (default: the first column). If the member data has a declared column of that name, each organisation is settled on its own rows.",
        };
        var year = NumberOption.Optional<int>("--year", "The performance year to settle (default: the year of the contract period).", "a year such as 2024");
        var format = new Option<string>("--format")
        {
            Description = "text (default), json or html for one statement; csv (default), json or html (one page with every organisation and its statement) with --inputs.",
        };
        format.AcceptOnlyFromAmong("text", "json", "html", "csv");
        var output = new Option<string>("--out") { Description = "Write the result to this file instead of the terminal." };
        var excludeBadRows = new Option<bool>("--exclude-bad-rows")
        {
            Description = "Leave out rows that cannot be read or computed instead of failing; the statement lists each with its dollars.",
        };

        var engine = new Option<string>("--engine")
        {
            Description = "Where the member-level stage runs: memory (default: vbc reads the data itself), duckdb (embedded DuckDB over the same CSV or Parquet file) "
                + "or postgres (PostgreSQL over --table, with --connection). The settlement and the statement are the same; docs/sql.md.",
        };
        engine.AcceptOnlyFromAmong("memory", "duckdb", "postgres");
        var connection = new Option<string>("--connection") { Description = "With --engine postgres: the Npgsql connection string (Host=...;Database=...;Username=...)." };
        var table = new Option<string[]>("--table")
        {
            Description = "With --engine postgres: the table or view with one row per member (or episode), NAME or SCHEMA.NAME; "
                + "for a contract with several tables, TABLE=NAME once per table (--table members=m --table episodes=e).",
        };
        var claimsTable = new Option<string>("--claims-table") { Description = "With --engine postgres: a long claims table (member_id, category, amount) summed per member into the money columns --table lacks." };
        var episodesTable = new Option<string>("--episodes-table") { Description = "With --engine postgres and a contract with two tables: the table that joins to the --table one (the episodes); docs/sql.md." };

        var command = new Command("settle",
            "Settle a contract over member-level data and print the statement: every line with its clause, formula and value. " +
            "Exit code 0 on success, 1 when the contract, its inputs or its data have errors, 2 on usage or file errors.")
        {
            contract, data, claims, input, inputs, organisationColumn, year, format, output, excludeBadRows,
            engine, connection, table, claimsTable, episodesTable,
        };
        var plugins = new PluginArguments();
        plugins.AddTo(command);
        command.SetAction(parse => Run(console, new Options(
            parse.GetValue(contract)!,
            null,
            parse.GetValue(claims),
            parse.GetValue(input) ?? Array.Empty<string>(),
            parse.GetValue(inputs),
            parse.GetValue(organisationColumn),
            parse.GetValue(year),
            parse.GetValue(format) ?? "",
            parse.GetValue(output),
            parse.GetValue(excludeBadRows),
            parse.Tokens.Select(t => t.Value).ToList())
        {
            DataArguments = parse.GetValue(data) ?? Array.Empty<string>(),
            Plugins = plugins.From(parse),
            Engine = new EngineOptions(parse.GetValue(engine) ?? "memory", parse.GetValue(connection), parse.GetValue(table) ?? Array.Empty<string>(),
                parse.GetValue(claimsTable), parse.GetValue(episodesTable)),
        }));
        return command;
    }

    private static int Run(Streams console, Options o)
    {
        // The reader's and the member stage's hot code compiles on the other core while the contract is parsed and bound.
        if (o.Engine.Name == "memory" && o.DataArguments.Count > 0)
        {
            StageWarmup.Start();
        }
        if (DataTables(o.DataArguments) is not { } tables)
        {
            console.Error.WriteLine("vbc: --data is given more than once: for a contract that names its tables, give each as TABLE=FILE, "
                + "once per table (--data members=seeds/members.csv --data episodes=seeds/episodes.csv).");
            return Program.UsageErrors;
        }
        if (tables.GroupBy(t => t.Table, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Key is not null && g.Count() > 1) is { } twice)
        {
            console.Error.WriteLine($"vbc: --data {twice.Key}=... is given twice ('{twice.First().File}' and '{twice.Last().File}'). Give each table one file.");
            return Program.UsageErrors;
        }
        o = o with
        {
            Data = tables.FirstOrDefault().File,
            MoreTables = tables.Skip(1).Where(t => t.Table is not null).Select(t => (t.Table!, t.File)).ToList(),
        };
        foreach (var (table, file) in tables.Skip(1))
        {
            if (CliFiles.InputProblem(file, $"'{table}' table") is { } tableProblem)
            {
                console.Error.WriteLine(tableProblem);
                return Program.UsageErrors;
            }
        }
        foreach (var (file, what) in new[] { (o.Contract, "contract"), (o.Data, "data"), (o.Claims, "claims"), (o.InputsFile, "inputs") })
        {
            if (file is not null && CliFiles.InputProblem(file, what) is { } problem)
            {
                console.Error.WriteLine(problem);
                return Program.UsageErrors;
            }
        }
        // Refuse a result file that is one of the inputs before any work, so nothing is overwritten.
        if (o.Out is not null && CliFiles.OutputProblem(o.Out, Inputs(o)) is { } outProblem)
        {
            console.Error.WriteLine(outProblem);
            return Program.UsageErrors;
        }
        var contract = PluginHost.Bind(ContractParser.ParseFile(o.Contract), o.Plugins);
        if (contract.HasErrors)
        {
            Report(console, contract.Diagnostics.Where(d => d.IsError));
            return contract.Diagnostics.Any(d => d.Code == "VBC0002") ? Program.UsageErrors : Program.ContractOrDataErrors;
        }
        if (UnknownDataTable(contract, tables) is { } unknown)
        {
            console.Error.WriteLine(unknown);
            return Program.UsageErrors;
        }
        if (o.Claims is not null && o.Data is null)
        {
            console.Error.WriteLine("vbc: --claims needs --data: the member file lists the members; the claims fill in their costs.");
            return Program.UsageErrors;
        }

        if (InputPairs(o.Inputs, console.Error) is not { } given)
        {
            return Program.UsageErrors;
        }
        if (EngineProblem(o, contract) is { } engineProblem)
        {
            console.Error.WriteLine(engineProblem);
            return Program.UsageErrors;
        }

        // A pipe or /dev/stdin can be read only once: copy it aside once, so that every organisation can read it.
        SpooledFile? data = null, claims = null;
        try
        {
            data = o.Data is null ? null : DataFile.Spool(o.Data);
            claims = o.Claims is null ? null : DataFile.Spool(o.Claims);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            data?.Dispose();
            console.Error.WriteLine($"vbc: cannot read '{(data is null ? o.Data : o.Claims)}': {e.Message.TrimEnd('.')}."
                + (e is UnauthorizedAccessException ? " Check that you may read the file." : ""));
            return Program.UsageErrors;
        }
        // The other tables' files are copied aside the same way, so a pipe is read once (and hashed from the copy).
        var more = new List<(string Table, SpooledFile Copy)>();
        try
        {
            foreach (var (table, file) in o.MoreTables)
            {
                try
                {
                    more.Add((table, DataFile.Spool(file)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    console.Error.WriteLine($"vbc: cannot read '{file}': {e.Message.TrimEnd('.')}."
                        + (e is UnauthorizedAccessException ? " Check that you may read the file." : ""));
                    return Program.UsageErrors;
                }
            }
            using (data)
            using (claims)
            {
                var source = new DataFiles(data?.Path, claims?.Path, tables.FirstOrDefault().Table)
                {
                    More = more.Select(m => (m.Table, m.Copy.Path)).ToList(),
                };
                return o.InputsFile is null ? SettleOne(console, o, contract, given, source) : SettleMany(console, o, contract, given, source);
            }
        }
        finally
        {
            foreach (var (_, copy) in more)
            {
                copy.Dispose();
            }
        }
    }

    /// <summary>The paths the member reader opens (a pipe's copy, or the files themselves).</summary>
    /// <summary>
    /// Each --data as (table, file): 'members=seeds/members.csv' names a table; a single argument that is an existing
    /// file, or that does not start with a name and '=', is the one table's file. Null when several are not all named.
    /// </summary>
    internal static List<(string? Table, string File)>? DataTables(IReadOnlyList<string> arguments)
    {
        var tables = new List<(string? Table, string File)>();
        foreach (var argument in arguments)
        {
            int eq = argument.IndexOf('=');
            bool named = eq > 0 && !File.Exists(argument) && IsName(argument[..eq]);
            tables.Add(named ? (argument[..eq], argument[(eq + 1)..]) : (null, argument));
        }
        return tables.Count > 1 && tables.Any(t => t.Table is null) ? null : tables;
    }

    private static bool IsName(string text) =>
        text.Length > 0 && (char.IsLetter(text[0]) || text[0] == '_') && text.All(c => char.IsLetterOrDigit(c) || c == '_');

    /// <summary>A --data TABLE=FILE whose table the contract does not declare, as a message; null when every name is declared.</summary>
    private static string? UnknownDataTable(BoundContract contract, IReadOnlyList<(string? Table, string File)> tables)
    {
        var declared = contract.Tables.Where(t => t.Named).Select(t => t.Name).ToList();
        foreach (var (table, _) in tables)
        {
            if (table is not null && !declared.Contains(table, StringComparer.OrdinalIgnoreCase))
            {
                if (declared.Count == 0)
                {
                    return $"vbc: --data {table}=...: the contract declares no table '{table}'; its one 'data' block has no name, so give its file as --data FILE.";
                }
                string near = Suggest.Nearest(table, declared) is { } n ? $" Did you mean '{n}'?" : "";
                return $"vbc: --data {table}=...: the contract declares no table '{table}'.{near} Its tables: {string.Join(", ", declared)}.";
            }
        }
        return null;
    }

    private sealed record DataFiles(string? Data, string? Claims, string? FirstTable)
    {
        /// <summary>The member file's source: CSV or Parquet, as the file's first bytes say (not its name).</summary>
        public IMemberSource? Open(Options o) =>
            Data is null ? null : MemberFiles.Open(Data, Claims, o.ExcludeBadRows, o.Data, o.Claims);

        /// <summary>For a contract with several tables: each table's source, the first being <paramref name="first"/>.</summary>
        public Dictionary<string, IMemberSource>? OpenTables(Options o, IMemberSource? first)
        {
            if (first is null || FirstTable is null)
            {
                return null;
            }
            var tables = new Dictionary<string, IMemberSource>(StringComparer.OrdinalIgnoreCase) { [FirstTable] = first };
            foreach (var ((table, file), copy) in o.MoreTables.Zip(More))
            {
                tables[table] = MemberFiles.Open(copy.Path, null, o.ExcludeBadRows, file);
            }
            return tables;
        }

        /// <summary>For a contract that names its tables: each table's path (read) and file (as named in messages), by table name.</summary>
        public Dictionary<string, (string Path, string Name)> TableFiles(Options o)
        {
            var files = new Dictionary<string, (string Path, string Name)>(StringComparer.OrdinalIgnoreCase);
            if (FirstTable is not null && Data is not null)
            {
                files[FirstTable] = (Data, o.Data!);
            }
            foreach (var ((table, file), copy) in o.MoreTables.Zip(More))
            {
                files[table] = (copy.Path, file);
            }
            return files;
        }

        /// <summary>The paths the reader opens for the tables after the first, in the order of <see cref="Options.MoreTables"/>.</summary>
        public IReadOnlyList<(string Table, string Path)> More { get; init; } = Array.Empty<(string, string)>();
    }

    /// <summary>What is wrong with --engine and its options for this run, as a message; null when nothing is.</summary>
    private static string? EngineProblem(Options o, BoundContract contract)
    {
        var e = o.Engine;
        if (e.Name != "postgres" && (e.Connection ?? e.ClaimsTable ?? e.EpisodesTable) is not null || e.Name != "postgres" && e.TableArguments.Count > 0)
        {
            return "vbc: --connection, --table, --claims-table and --episodes-table go with --engine postgres.";
        }
        if (e.Name == "memory")
        {
            return null;
        }
        if (o.ExcludeBadRows && o.InputsFile is not null && e.Name == "postgres")
        {
            return $"vbc: --exclude-bad-rows is not available with --engine {e.Name} and --inputs: the rows left out are listed by vbc's own reader. "
                + "Settle one organisation at a time, or settle without --engine.";
        }
        if (o.Claims is not null && (e.Name != "duckdb" || o.InputsFile is not null || o.MoreTables.Count > 0))
        {
            return e.Name == "duckdb"
                ? "vbc: --claims with --engine duckdb sums the claims of one member file's run: with --inputs or several tables, settle without --engine."
                : $"vbc: --claims is a file, read by the in-memory engine and --engine duckdb; --engine {e.Name} reads a claims table: give it with --claims-table NAME.";
        }
        if (e.Name == "duckdb")
        {
            return o.Data is null
                ? "vbc: --engine duckdb reads the member file: give it with --data FILE (CSV or Parquet), or --data TABLE=FILE once per table."
                : null;
        }
        if (o.DataArguments.Count > 0)
        {
            return "vbc: --engine postgres reads --table in the database, not --data: give one of them.";
        }
        var named = e.NamedTables;
        if (e.TableArguments.Count(t => !t.Contains('=')) > 1 || (named.Count > 0 && e.Table is not null))
        {
            return "vbc: give --table NAME once (the table with one row per member), or, for a contract with several tables, --table TABLE=NAME once per table.";
        }
        if (e.Connection is null || (e.Table is null && named.Count == 0))
        {
            return "vbc: --engine postgres needs --connection \"Host=...;Database=...;Username=...\" and --table NAME (the table with one row per member).";
        }
        if (e.ClaimsTable is not null && (o.InputsFile is not null || contract.HasSeveralTables))
        {
            return "vbc: --claims-table sums the claims of one member table's run: with --inputs or several tables, give a member table whose money columns are filled in (a view that sums the claims per member will do).";
        }
        if (named.Count > 0)
        {
            return NamedTablesProblem(contract, named, e);
        }
        if (!contract.HasSeveralTables && e.EpisodesTable is not null)
        {
            return "vbc: --episodes-table goes with a contract that reads several tables; this one reads one. For a contract whose one table holds episodes, give it with --table.";
        }
        if (contract.HasSeveralTables && (contract.Tables.Count != 2 || e.EpisodesTable is null))
        {
            var other = contract.Tables.Where(t => !ReferenceEquals(t, contract.RootTable)).Select(t => t.Name).ToList();
            return contract.Tables.Count != 2
                ? $"vbc: this contract reads {contract.Tables.Count} tables ({string.Join(", ", contract.Tables.Select(t => t.Name))}): give each as --table TABLE=NAME."
                : $"vbc: the contract reads two tables: give --table for '{contract.RootTable!.Name}' (the table the others join to) and --episodes-table for '{other[0]}'.";
        }
        return null;
    }

    /// <summary>What is wrong with --table TABLE=NAME for this contract; null when every table is named once and nothing else.</summary>
    private static string? NamedTablesProblem(BoundContract contract, IReadOnlyList<(string Table, string Name)> named, EngineOptions e)
    {
        string declared = string.Join(", ", contract.Tables.Select(t => t.Name));
        if (!contract.HasSeveralTables)
        {
            return "vbc: --table TABLE=NAME names the tables of a contract with several; this one reads one: give --table NAME.";
        }
        if (e.EpisodesTable is not null)
        {
            return "vbc: give each table as --table TABLE=NAME, or --table NAME with --episodes-table NAME for a contract with two; not both.";
        }
        if (named.FirstOrDefault(n => !contract.Tables.Any(t => string.Equals(t.Name, n.Table, StringComparison.OrdinalIgnoreCase))) is { Table: not null } unknown)
        {
            return $"vbc: --table {unknown.Table}=...: the contract declares no table '{unknown.Table}'. Its tables: {declared}.";
        }
        if (named.GroupBy(n => n.Table, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return $"vbc: --table {twice.Key}=... is given twice.";
        }
        if (named.FirstOrDefault(n => n.Name.Length == 0) is { Table: not null } empty)
        {
            return $"vbc: --table {empty.Table}= names no table or view: give --table {empty.Table}=NAME.";
        }
        var missing = contract.Tables.Where(t => !named.Any(n => string.Equals(n.Table, t.Name, StringComparison.OrdinalIgnoreCase))).Select(t => t.Name).ToList();
        return missing.Count == 0 ? null
            : $"vbc: the contract reads the tables {declared}: give --table TABLE=NAME for each (missing: {string.Join(", ", missing)}).";
    }

    /// <summary>The member-level stage's engine for this run (null: in memory, over the request's data).</summary>
    private static MemberStageBackend? EngineFor(Options o, BoundContract contract, DataFiles files) => o.Engine.Name switch
    {
        "duckdb" => new DuckDbBackend(files.Data!, o.Data) { Tables = files.TableFiles(o), Claims = files.Claims is null ? null : (files.Claims, o.Claims!) },
        "postgres" => new PostgresBackend(o.Engine.Connection!, o.Engine.Table ?? DatabaseTables(o, contract)[contract.RootTable!.Name]) { Tables = DatabaseTables(o, contract), ClaimsTable = o.Engine.ClaimsTable },
        _ => null,
    };

    /// <summary>With several tables and --engine postgres: each --table TABLE=NAME; or --table for the table the others join to, --episodes-table for the other.</summary>
    private static Dictionary<string, string> DatabaseTables(Options o, BoundContract contract)
    {
        var tables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (table, name) in o.Engine.NamedTables)
        {
            tables[table] = name;
        }
        if (tables.Count == 0 && contract.HasSeveralTables && contract.RootTable is { } root)
        {
            tables[root.Name] = o.Engine.Table!;
            foreach (var other in contract.Tables.Where(t => !ReferenceEquals(t, root)))
            {
                tables[other.Name] = o.Engine.EpisodesTable!;
            }
        }
        return tables;
    }

    /// <summary>The arguments as the statement shows them: a --connection string without its password.</summary>
    private static IReadOnlyList<string> Shown(IReadOnlyList<string> arguments)
    {
        var shown = arguments.ToList();
        for (int i = 0; i < shown.Count; i++)
        {
            if (shown[i] == "--connection" && i + 1 < shown.Count)
            {
                shown[i + 1] = PostgresBackend.WithoutPassword(shown[i + 1]);
            }
            else if (shown[i].StartsWith("--connection=", StringComparison.Ordinal))
            {
                shown[i] = "--connection=" + PostgresBackend.WithoutPassword(shown[i]["--connection=".Length..]);
            }
        }
        return shown;
    }

    private static IEnumerable<string?> Inputs(Options o) => new[] { o.Contract, o.Data, o.Claims, o.InputsFile };

    private static int SettleOne(Streams console, Options o, BoundContract contract, Dictionary<string, string> given, DataFiles files)
    {
        string format = o.Format.Length == 0 ? "text" : o.Format;
        if (format == "csv")
        {
            console.Error.WriteLine("vbc: --format csv writes one row per organisation: use it with --inputs.");
            return Program.UsageErrors;
        }
        var engine = EngineFor(o, contract, files);
        var data = engine is null ? files.Open(o) : null;
        using var dataLifetime = data as IDisposable;
        var tables = contract.HasSeveralTables && engine is null ? files.OpenTables(o, data) : null;
        SettlementResult result;
        try
        {
            result = SettlementEngine.Settle(contract, new SettlementRequest
            {
                Year = o.Year,
                Inputs = given,
                Data = data,
                Tables = tables,
                ExcludeBadRows = o.ExcludeBadRows,
                Engine = engine,
            });
        }
        finally
        {
            foreach (var table in tables?.Values.Where(t => t != data).OfType<IDisposable>() ?? Enumerable.Empty<IDisposable>())
            {
                table.Dispose();
            }
        }
        if (!result.Succeeded)
        {
            Report(console, result.Diagnostics);
            return result.IsUsageError || result.Diagnostics.Any(d => d.Code == "VBC0002") ? Program.UsageErrors : Program.ContractOrDataErrors;
        }
        Report(console, contract.Diagnostics.Where(d => d.Severity == Severity.Warning));
        Report(console, result.Warnings);
        var statement = result.Statement! with { Reproduce = Reproduction(o, contract, files, null, data?.ContentSha256) };
        string text = format switch
        {
            "json" => JsonStatementWriter.Write(statement),
            "html" => HtmlStatementWriter.Write(statement),
            _ => TextStatementWriter.Write(statement),
        };
        return CliFiles.WriteResult(console, o.Out, text, Inputs(o));
    }

    /// <summary>With --inputs: the engine settles every organisation over one read of the data (<see cref="PortfolioSettlement"/>).</summary>
    private static int SettleMany(Streams console, Options o, BoundContract contract, Dictionary<string, string> given, DataFiles files)
    {
        string format = o.Format.Length == 0 ? "csv" : o.Format;
        if (format is "text")
        {
            console.Error.WriteLine("vbc: with --inputs the result is one row per organisation: use --format csv, json or html.");
            return Program.UsageErrors;
        }
        var file = InputsFile.Read(o.InputsFile!);
        var engine = EngineFor(o, contract, files);
        var data = engine is null ? files.Open(o) : null;
        using var dataLifetime = data as IDisposable;
        var result = PortfolioSettlement.Settle(contract, new PortfolioRequest
        {
            InputsFile = file,
            OrganisationColumn = o.OrganisationColumn,
            Inputs = given,
            Year = o.Year,
            Data = data,
            ExcludeBadRows = o.ExcludeBadRows,
            Engine = engine,
        });
        if (result.UsageProblem is { } usage)
        {
            console.Error.WriteLine($"vbc: {usage}");
            return Program.UsageErrors;
        }
        if (result.Failed)
        {
            Report(console, result.Problems);
            return result.IsUsageError ? Program.UsageErrors : Program.ContractOrDataErrors;
        }
        foreach (var note in result.Notes)
        {
            console.Error.WriteLine($"vbc: {note}");
        }
        // The organisation column is used: it splits the rows (the checker, which sees no expression read it, warns VBC2028).
        Report(console, contract.Diagnostics.Where(d => d.Severity == Severity.Warning
            && !(d.Code == "VBC2028" && result.SplitColumn is { } split && d.Location.Span == split.Declaration)));
        Report(console, result.Warnings);
        Reproduction? reproduce = null;
        var entries = new List<PortfolioEntry>();
        foreach (var entry in result.Entries)
        {
            if (entry.Result.Statement is { } statement)
            {
                entries.Add(entry with { Result = entry.Result with { Statement = statement with { Reproduce = reproduce ??= Reproduction(o, contract, files, file.Sha256, data?.ContentSha256) } } });
                continue;
            }
            entries.Add(entry);
            console.Error.WriteLine($"vbc: {o.InputsFile}({entry.Line}): organisation {entry.Organisation} could not be settled:");
            Report(console, entry.Result.Diagnostics);
        }
        result = result with { Entries = entries };
        string text = format switch
        {
            "json" => PortfolioWriters.Json(result),
            "html" => PortfolioWriters.Html(result, contract.Info.Name),
            _ => PortfolioWriters.Csv(result),
        };
        int exit = CliFiles.WriteResult(console, o.Out, text, Inputs(o));
        int failed = entries.Count(e => !e.Result.Succeeded);
        console.Error.WriteLine($"{entries.Count} organisations: {entries.Count - failed} settled, {failed} failed.");
        return exit != Program.Success ? exit : failed > 0 ? Program.ContractOrDataErrors : Program.Success;
    }

    /// <summary>
    /// The files this run read, each with the SHA-256 of the bytes read (the data from the reader's own file or its
    /// copy of a pipe, never a second open of what the user named), and the command as typed: printed on the statement.
    /// </summary>
    /// <param name="dataSha256">The member file's hash as its reader computed it while reading (null: hash the file here).</param>
    private static Reproduction Reproduction(Options o, BoundContract contract, DataFiles files, string? inputsSha256, string? dataSha256 = null) => Provenance.For(
        new[]
        {
            ("contract", o.Contract, contract.Source.Sha256),
            ("data", o.Data, files.Data is null ? null : dataSha256 ?? Provenance.Sha256(files.Data)),
            ("claims", o.Claims, files.Claims is null ? null : Provenance.Sha256(files.Claims)),
            ("inputs", o.InputsFile, inputsSha256),
        }.Concat(o.MoreTables.Zip(files.More).Select(t => ($"data {t.First.Table}", (string?)t.First.File, (string?)Provenance.Sha256(t.Second.Path)))),
        Shown(o.Arguments));

    internal static void Report(Streams console, IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            console.Error.WriteLine(d);
        }
    }
}
