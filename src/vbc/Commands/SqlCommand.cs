using System.CommandLine;
using Vbc.Diagnostics;
using Vbc.Plugins;
using Vbc.MemberLevel;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Sql;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc sql CONTRACT --dialect duckdb|postgres|spark [--year N] [--input NAME=VALUE]... [--group-by COLUMN]</c>: prints the member-level
/// stage of a run as one SQL query over the relation <c>members</c> (docs/sql.md).
/// </summary>
internal static class SqlCommand
{
    public static Command Create(Streams console)
    {
        var file = new Argument<string>("contract") { Description = "The contract file (.vbc)." };
        var dialect = new Option<string>("--dialect") { Description = "The database: duckdb, postgres or spark (Spark SQL: written, not executed here).", Required = true };
        dialect.AcceptOnlyFromAmong("duckdb", "postgres", "spark");
        var year = NumberOption.Optional<int>("--year", "The performance year (default: the year of the contract period).", "a year such as 2024");
        var input = new Option<string[]>("--input")
        {
            Description = "An input value, NAME=VALUE (repeatable), as for vbc settle: inputs are written into the query as literals.",
            AllowMultipleArgumentsPerToken = false,
        };
        var groupBy = new Option<string>("--group-by")
        {
            Description = "A text column of the data naming each row's organisation: the query returns the member-level figures once per organisation, each as if settled alone.",
        };
        var command = new Command("sql",
            "Print the member-level stage of a run (who is in the population, costs, truncation, sums) as one SQL query over the relation 'members' "
            + "(docs/sql.md). Exit code 0 with the query, 1 when the contract has errors or cannot be compiled exactly, 2 for a usage error.")
        {
            file,
            dialect,
            year,
            input,
            groupBy,
        };
        var plugins = new PluginArguments();
        plugins.AddTo(command);
        command.SetAction(parse => Run(console, parse.GetValue(file)!, parse.GetValue(dialect)!, parse.GetValue(year),
            parse.GetValue(input) ?? Array.Empty<string>(), plugins.From(parse), parse.GetValue(groupBy)));
        return command;
    }

    internal static int Run(Streams console, string file, string dialect, int? year, IReadOnlyList<string> inputPairs, PluginOptions? plugins, string? groupBy = null)
    {
        if (CliFiles.InputProblem(file, "contract") is { } problem)
        {
            console.Error.WriteLine(problem);
            return Program.UsageErrors;
        }
        var (ir, exit) = CheckCommand.LowerRun(console, file, year, inputPairs, plugins);
        if (ir is null || exit != Program.Success)
        {
            return exit == Program.Success ? Program.ContractOrDataErrors : exit;
        }
        var sqlDialect = dialect switch
        {
            "postgres" => SqlDialect.Postgres,
            "spark" => SqlDialect.Spark,
            _ => SqlDialect.DuckDb,
        };
        var at = new Location(file, 1, 1);
        IrColumn? organisation = null;
        if (groupBy is not null)
        {
            // The organisation column need not be read by the contract, only declared in its data.
            var columns = PluginHost.Bind(ContractParser.ParseFile(file), plugins).Columns;
            var declared = columns.FirstOrDefault(c => string.Equals(c.Name, groupBy, StringComparison.OrdinalIgnoreCase));
            if (declared is null)
            {
                console.Error.WriteLine(SqlDiagnostics.GroupByNotDeclared(at, groupBy, string.Join(", ", columns.Where(c => c.Type.Kind == ValueKind.Text).Select(c => c.Name))));
                return Program.ContractOrDataErrors;
            }
            organisation = new IrColumn(declared.Name, declared.Type);
        }
        var compiled = SqlCompiler.Compile(ir, sqlDialect, at, organisation);
        foreach (var d in compiled.Diagnostics)
        {
            console.Error.WriteLine(d);
        }
        if (compiled.Sql is null)
        {
            return Program.ContractOrDataErrors;
        }
        console.Out.Write(compiled.Sql);
        return Program.Success;
    }
}
