using System.CommandLine;
using Vbc.Diagnostics;
using Vbc.Plugins;
using Vbc.Sql;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc sql CONTRACT --dialect duckdb|postgres [--year N] [--input NAME=VALUE]...</c>: prints the member-level
/// stage of a run as one SQL query over the relation <c>members</c> (docs/sql.md).
/// </summary>
internal static class SqlCommand
{
    public static Command Create(Streams console)
    {
        var file = new Argument<string>("contract") { Description = "The contract file (.vbc)." };
        var dialect = new Option<string>("--dialect") { Description = "The database: duckdb or postgres.", Required = true };
        dialect.AcceptOnlyFromAmong("duckdb", "postgres");
        var year = NumberOption.Optional<int>("--year", "The performance year (default: the year of the contract period).", "a year such as 2024");
        var input = new Option<string[]>("--input")
        {
            Description = "An input value, NAME=VALUE (repeatable), as for vbc settle: inputs are written into the query as literals.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("sql",
            "Print the member-level stage of a run (who is in the population, costs, truncation, sums) as one SQL query over the relation 'members' "
            + "(docs/sql.md). Exit code 0 with the query, 1 when the contract has errors or cannot be compiled exactly, 2 for a usage error.")
        {
            file,
            dialect,
            year,
            input,
        };
        var plugins = new PluginArguments();
        plugins.AddTo(command);
        command.SetAction(parse => Run(console, parse.GetValue(file)!, parse.GetValue(dialect)!, parse.GetValue(year),
            parse.GetValue(input) ?? Array.Empty<string>(), plugins.From(parse)));
        return command;
    }

    internal static int Run(Streams console, string file, string dialect, int? year, IReadOnlyList<string> inputPairs, PluginOptions? plugins)
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
        var compiled = SqlCompiler.Compile(ir, dialect == "postgres" ? SqlDialect.Postgres : SqlDialect.DuckDb, new Location(file, 1, 1));
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
