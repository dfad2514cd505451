using System.CommandLine;
using System.Globalization;
using System.Text;
using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Plugins;
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
            Description = "text (default), json or html for one statement; csv (default) or json with --inputs.",
        };
        format.AcceptOnlyFromAmong("text", "json", "html", "csv");
        var output = new Option<string>("--out") { Description = "Write the result to this file instead of the terminal." };
        var excludeBadRows = new Option<bool>("--exclude-bad-rows")
        {
            Description = "Leave out rows that cannot be read or computed instead of failing; the statement lists each with its dollars.",
        };

        var command = new Command("settle",
            "Settle a contract over member-level data and print the statement: every line with its clause, formula and value. " +
            "Exit code 0 on success, 1 when the contract, its inputs or its data have errors, 2 on usage or file errors.")
        {
            contract, data, claims, input, inputs, organisationColumn, year, format, output, excludeBadRows,
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
        }));
        return command;
    }

    private static int Run(Streams console, Options o)
    {
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

        /// <summary>The paths the reader opens for the tables after the first, in the order of <see cref="Options.MoreTables"/>.</summary>
        public IReadOnlyList<(string Table, string Path)> More { get; init; } = Array.Empty<(string, string)>();
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
        var data = files.Open(o);
        using var dataLifetime = data as IDisposable;
        var tables = contract.HasSeveralTables ? files.OpenTables(o, data) : null;
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
        var statement = result.Statement! with { Reproduce = Reproduction(o, contract, files, null) };
        string text = format switch
        {
            "json" => JsonStatementWriter.Write(statement),
            "html" => HtmlStatementWriter.Write(statement),
            _ => TextStatementWriter.Write(statement),
        };
        return CliFiles.WriteResult(console, o.Out, text, Inputs(o));
    }

    private static int SettleMany(Streams console, Options o, BoundContract contract, Dictionary<string, string> given, DataFiles files)
    {
        string format = o.Format.Length == 0 ? "csv" : o.Format;
        if (format is "text" or "html")
        {
            console.Error.WriteLine("vbc: with --inputs the result is one row per organisation: use --format csv or --format json.");
            return Program.UsageErrors;
        }
        if (contract.HasSeveralTables)
        {
            // Each organisation's rows would have to be found in every table: not supported yet.
            console.Error.WriteLine("vbc: --inputs settles contracts with one table; this contract declares several. Settle each organisation with --input and one --data TABLE=FILE per table.");
            return Program.UsageErrors;
        }
        var file = InputsFile.Read(o.InputsFile!);
        if (file.Diagnostics.Any(d => d.IsError))
        {
            Report(console, file.Diagnostics);
            return file.Diagnostics.Any(d => d.Code == "VBC0002") ? Program.UsageErrors : Program.ContractOrDataErrors;
        }
        string orgColumn = o.OrganisationColumn ?? file.Columns.FirstOrDefault() ?? "";
        if (!file.Columns.Contains(orgColumn, StringComparer.OrdinalIgnoreCase))
        {
            console.Error.WriteLine($"vbc: the inputs file has no column '{orgColumn}'. Its columns: {string.Join(", ", file.Columns)}. "
                + "Name the column that holds the organisation with --organisation-column NAME.");
            return Program.UsageErrors;
        }
        var declared = contract.Inputs.Select(i => i.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var clash = given.Keys.Where(k => file.Columns.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (clash.Count > 0)
        {
            console.Error.WriteLine($"vbc: {string.Join(", ", clash)} is given both with --input and in the inputs file: keep one.");
            return Program.UsageErrors;
        }
        // A performance_year column settles each row in its own year (CMS's results files hold several years).
        const string yearColumn = "performance_year";
        bool yearPerRow = file.Columns.Contains(yearColumn, StringComparer.OrdinalIgnoreCase);
        if (yearPerRow && o.Year is not null)
        {
            console.Error.WriteLine($"vbc: the inputs file has a {yearColumn} column, so --year cannot apply too: remove one of them.");
            return Program.UsageErrors;
        }
        var repeated = InputsFile.RepeatedOrganisations(file, orgColumn, yearPerRow ? yearColumn : null);
        if (repeated.Count > 0)
        {
            Report(console, repeated);
            return Program.ContractOrDataErrors;
        }
        var ignored = file.Columns.Where(c => !declared.Contains(c) && !c.Equals(orgColumn, StringComparison.OrdinalIgnoreCase)
            && !c.Equals(yearColumn, StringComparison.OrdinalIgnoreCase)).ToList();
        if (ignored.Count > 0)
        {
            console.Error.WriteLine($"vbc: columns of {o.InputsFile} that are not inputs of the contract (not used): {string.Join(", ", ignored)}.");
        }
        var splitColumn = contract.Columns.FirstOrDefault(c => c.Name.Equals(orgColumn, StringComparison.OrdinalIgnoreCase) && c.Type.Kind == ValueKind.Text);
        int organisations = file.Rows.Select(r => r[orgColumn]).Distinct(StringComparer.Ordinal).Count();
        if (o.Data is not null && splitColumn is null && organisations > 1)
        {
            console.Error.WriteLine($"vbc: to settle {organisations} organisations on one member file, the data must say which organisation each row belongs to: " +
                $"declare a text column '{orgColumn}' in the contract's data block (or give one row in --inputs).");
            return Program.UsageErrors;
        }

        var statements = new List<Statement>();
        Reproduction? reproduce = null;
        var failures = new List<(string Organisation, IReadOnlyList<Diagnostic> Problems)>();
        var rows = new List<(string Organisation, SettlementResult Result)>();
        foreach (var row in file.Rows)
        {
            string organisation = row[orgColumn] ?? $"row {row.Line}";
            var inputs = new Dictionary<string, string>(given, StringComparer.OrdinalIgnoreCase);
            var cells = new Dictionary<string, Location>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in row.Values)
            {
                if (declared.Contains(name))
                {
                    inputs[name] = value;
                    cells[name] = new Location(file.File, (int)row.Line, row.ColumnOf(name));
                }
            }
            int? year = o.Year;
            if (yearPerRow)
            {
                var yearText = row[yearColumn] ?? "";
                if (!InputParser.TryParseYear(yearText, out var y))
                {
                    var problem = SettlementDiagnostics.InvalidInput(new Location(file.File, (int)row.Line, row.ColumnOf(yearColumn)),
                        yearColumn, "year", yearText, InputParser.Example("year"));
                    rows.Add((organisation, new SettlementResult(null, new[] { problem })));
                    failures.Add((organisation, new[] { problem }));
                    Report(console, new[] { problem });
                    continue;
                }
                year = y;
            }
            var source = files.Open(o);
            using var sourceLifetime = source as IDisposable;
            IMemberSource? data = source is null ? null : splitColumn is null ? source : new FilteredMemberSource(source, splitColumn.Name, organisation);
            var result = SettlementEngine.Settle(contract, new SettlementRequest
            {
                Year = year,
                Inputs = inputs,
                InputLocations = cells,
                Data = data,
                ExcludeBadRows = o.ExcludeBadRows,
                Organisation = organisation,
            });
            rows.Add((organisation, result));
            if (result.Succeeded)
            {
                statements.Add(result.Statement! with { Reproduce = reproduce ??= Reproduction(o, contract, files, file.Sha256) });
            }
            else
            {
                failures.Add((organisation, result.Diagnostics));
                console.Error.WriteLine($"vbc: {o.InputsFile}({row.Line}): organisation {organisation} could not be settled:");
                Report(console, result.Diagnostics);
            }
        }

        string text = format == "json" ? JsonStatementWriter.WriteMany(statements, failures) : SummaryCsv(rows);
        int exit = CliFiles.WriteResult(console, o.Out, text, Inputs(o));
        console.Error.WriteLine($"{file.Rows.Count} organisations: {statements.Count} settled, {failures.Count} failed.");
        return exit != Program.Success ? exit : failures.Count > 0 ? Program.ContractOrDataErrors : Program.Success;
    }

    /// <summary>One row per organisation: its status, total, and each payment line, in a stable column order.</summary>
    private static string SummaryCsv(IReadOnlyList<(string Organisation, SettlementResult Result)> rows)
    {
        var components = rows.Where(r => r.Result.Succeeded)
            .SelectMany(r => r.Result.Statement!.Components.Select(c => c.Id))
            .Distinct()
            .ToList();
        var labels = rows.Where(r => r.Result.Succeeded)
            .SelectMany(r => r.Result.Statement!.Components)
            .GroupBy(c => c.Id)
            .ToDictionary(g => g.Key, g => g.First().Label);
        var o = new StringBuilder();
        o.Append(string.Join(",", new[] { "organisation", "performance_year", "status", "total" }.Concat(components.Select(c => Csv(labels[c])))));
        o.Append(",problem\n");
        foreach (var (organisation, result) in rows)
        {
            var cells = new List<string> { Csv(organisation) };
            if (result.Statement is { } s)
            {
                cells.Add(s.PerformanceYear.ToString(CultureInfo.InvariantCulture));
                cells.Add("settled");
                cells.Add(JsonStatementWriter.Exact(s.Total));
                var amounts = s.Components.ToDictionary(c => c.Id, c => c.Amount!.Value);
                cells.AddRange(components.Select(c => amounts.TryGetValue(c, out var a) ? JsonStatementWriter.Exact(a) : ""));
                cells.Add("");
            }
            else
            {
                cells.AddRange(new[] { "", "failed", "" });
                cells.AddRange(components.Select(_ => ""));
                cells.Add(Csv(string.Join(" | ", result.Diagnostics.Select(d => d.ToString()))));
            }
            o.Append(string.Join(",", cells)).Append('\n');
        }
        return o.ToString();
    }

    /// <summary>
    /// A text cell of a CSV vbc writes: quoted when needed, and a cell a spreadsheet would run as a formula (starting
    /// with = + - @, a tab or a carriage return) starts with an apostrophe instead (OWASP's rule for CSV injection).
    /// Numbers vbc writes itself do not pass here, so a negative amount stays a number.
    /// </summary>
    internal static string Csv(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }
        return text.IndexOfAny(new[] { ',', '"', '\n', '\r', '\'' }) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }

    /// <summary>
    /// The files this run read, each with the SHA-256 of the bytes read (the data from the reader's own file or its
    /// copy of a pipe, never a second open of what the user named), and the command as typed: printed on the statement.
    /// </summary>
    private static Reproduction Reproduction(Options o, BoundContract contract, DataFiles files, string? inputsSha256) => Provenance.For(
        new[]
        {
            ("contract", o.Contract, contract.Source.Sha256),
            ("data", o.Data, files.Data is null ? null : Provenance.Sha256(files.Data)),
            ("claims", o.Claims, files.Claims is null ? null : Provenance.Sha256(files.Claims)),
            ("inputs", o.InputsFile, inputsSha256),
        }.Concat(o.MoreTables.Zip(files.More).Select(t => ($"data {t.First.Table}", (string?)t.First.File, (string?)Provenance.Sha256(t.Second.Path)))),
        o.Arguments);

    internal static void Report(Streams console, IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            console.Error.WriteLine(d);
        }
    }
}
