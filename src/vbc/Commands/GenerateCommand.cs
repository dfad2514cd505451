using System.CommandLine;
using Vbc.Data;
using Vbc.Data.Synthetic;
using Vbc.Hosting;

namespace Vbc.Cli.Commands;

/// <summary><c>vbc generate members|episodes|aco-inputs</c>: deterministic synthetic data (seeds/README.md).</summary>
internal static class GenerateCommand
{
    public static Command Create(Streams console)
    {
        var command = new Command("generate",
            "Write synthetic data: member-level rows, bundled-payment episodes, or ACO totals. The same options and seed always give the same bytes.");
        command.Subcommands.Add(Members(console));
        command.Subcommands.Add(Episodes(console));
        command.Subcommands.Add(AcoInputs(console));
        return command;
    }

    private static Option<T> WithDefault<T>(Option<T> option, T value)
    {
        option.DefaultValueFactory = _ => value;
        return option;
    }

    private static Option<long> Seed() => WithDefault(NumberOption.Create<long>("--seed", "The random seed (the same seed gives the same file).", "a whole number such as 42"), 1);

    private static Option<string> Out() => new("--out") { Description = "The file to write (default: the terminal).", };

    private static Option<string> Format()
    {
        var format = new Option<string>("--format")
        {
            Description = "csv (default) or parquet: the same rows, with money as DECIMAL(18,2) (parquet needs --out).",
            DefaultValueFactory = _ => "csv",
        };
        format.AcceptOnlyFromAmong("csv", "parquet");
        return format;
    }

    private static Command Members(Streams console)
    {
        var members = WithDefault(NumberOption.Create<long>("--members", "How many members (rows).", "a whole number such as 1000"), 1_000);
        var seed = Seed();
        var organisations = WithDefault(NumberOption.Create<int>("--organisations", "How many provider organisations the members belong to.", "a whole number such as 3"), 1);
        var profile = new Option<string>("--profile") { Description = "medicare (default) or commercial.", DefaultValueFactory = _ => "medicare" };
        profile.AcceptOnlyFromAmong("medicare", "commercial");
        var costFactor = WithDefault(NumberOption.Create<double>("--cost-factor", "Scales every cost (0.95 = 5% cheaper), to show savings or losses.", "a number such as 0.95"), 1.0);
        var output = Out();
        var format = Format();
        var command = new Command("members", "Member-level rows: ids, member months, risk, flags, cost by category, quality numerators and denominators.")
        {
            members, seed, organisations, profile, costFactor, output, format,
        };
        command.SetAction(parse =>
        {
            var options = new MemberGeneratorOptions
            {
                Members = parse.GetValue(members),
                Seed = parse.GetValue(seed),
                Organisations = parse.GetValue(organisations),
                Profile = parse.GetValue(profile) == "commercial" ? PopulationProfile.Commercial : PopulationProfile.Medicare,
                CostFactor = parse.GetValue(costFactor),
            };
            return Write(console, options.Validate(), parse.GetValue(output), s => MemberDataGenerator.Write(s, options), Parquet(parse.GetValue(format), GeneratedColumns.Members));
        });
        return command;
    }

    private static Command Episodes(Streams console)
    {
        var episodes = WithDefault(NumberOption.Create<long>("--episodes", "How many episodes (rows).", "a whole number such as 1000"), 1_000);
        var seed = Seed();
        var year = WithDefault(NumberOption.Create<int>("--year", "The year episodes start in.", "a year such as 2024"), 2024);
        var organisations = WithDefault(NumberOption.Create<int>("--organisations", "How many provider organisations.", "a whole number such as 3"), 1);
        var pool = WithDefault(NumberOption.Create<long>("--member-pool", "Member ids are drawn from M00000001 up to this many.", "a whole number such as 5000"), 5_000);
        var costFactor = WithDefault(NumberOption.Create<double>("--cost-factor", "Scales every episode cost.", "a number such as 0.95"), 1.0);
        var output = Out();
        var format = Format();
        var command = new Command("episodes", "Bundled-payment episodes: id, member, type, anchor date, cost, readmission.")
        {
            episodes, seed, year, organisations, pool, costFactor, output, format,
        };
        command.SetAction(parse =>
        {
            var options = new EpisodeGeneratorOptions
            {
                Episodes = parse.GetValue(episodes),
                Seed = parse.GetValue(seed),
                Year = parse.GetValue(year),
                Organisations = parse.GetValue(organisations),
                MemberPool = parse.GetValue(pool),
                CostFactor = parse.GetValue(costFactor),
            };
            return Write(console, options.Validate(), parse.GetValue(output), s => EpisodeDataGenerator.Write(s, options), Parquet(parse.GetValue(format), GeneratedColumns.Episodes));
        });
        return command;
    }

    private static Command AcoInputs(Streams console)
    {
        var acos = WithDefault(NumberOption.Create<int>("--acos", "How many ACOs (rows).", "a whole number such as 24"), 24);
        var seed = Seed();
        var output = Out();
        var command = new Command("aco-inputs", "One row per ACO with the totals to settle MSSP contracts from: benchmark, expenditure, beneficiaries, quality.")
        {
            acos, seed, output,
        };
        command.SetAction(parse =>
        {
            var options = new AcoInputsGeneratorOptions { Acos = parse.GetValue(acos), Seed = parse.GetValue(seed) };
            return Write(console, options.Validate(), parse.GetValue(output), s => AcoInputsGenerator.Write(s, options));
        });
        return command;
    }

    /// <summary>The columns to write as Parquet, or null for CSV.</summary>
    private static IReadOnlyList<ColumnSpec>? Parquet(string? format, IReadOnlyList<ColumnSpec> columns) => format == "parquet" ? columns : null;

    private static int Write(Streams console, IReadOnlyList<string> problems, string? path, Func<Stream, long> write, IReadOnlyList<ColumnSpec>? parquet = null)
    {
        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                console.Error.WriteLine($"vbc generate: {p}");
            }
            return Program.UsageErrors;
        }
        if (path is not null && CliFiles.OutputProblem(path, Array.Empty<string>()) is { } outProblem)
        {
            console.Error.WriteLine(outProblem);
            return Program.UsageErrors;
        }
        if (parquet is not null)
        {
            if (path is null)
            {
                console.Error.WriteLine("vbc generate: --format parquet writes a file: give it with --out FILE.");
                return Program.UsageErrors;
            }
            return WriteParquet(console, path, write, parquet);
        }
        try
        {
            if (path is null)
            {
                using var stdout = System.Console.OpenStandardOutput();
                console.Out.Flush();
                write(stdout);
                return Program.Success;
            }
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                long bytes = write(file);
                console.Error.WriteLine($"Wrote {path} ({bytes:#,##0} bytes).");
            }
            return Program.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine(path is null
                ? $"vbc generate: cannot write to standard output: {e.Message.TrimEnd('.')}. Check that it is open and its disk has space, or write to a file with --out FILE."
                : $"vbc generate: cannot write '{path}': {e.Message.TrimEnd('.')}. Check the folder exists and you may write there, or give another --out file.");
            return Program.UsageErrors;
        }
    }

    /// <summary>
    /// The same rows as the CSV (the generator writes CSV text), read back by the CSV reader and written as Parquet, so
    /// that both files hold the same values and settle to the same cent.
    /// </summary>
    private static int WriteParquet(Streams console, string path, Func<Stream, long> write, IReadOnlyList<ColumnSpec> columns)
    {
        if (!ManagedRuntime.IsAvailable)
        {
            // ParquetSharp's typed writers (strings, DECIMAL(28)) are made by MakeGenericMethod, which needs the runtime.
            throw new ManagedRuntimeRequiredException("vbc generate --format parquet writes through ParquetSharp's typed column writers, made by reflection");
        }
        string csv = Path.Combine(Path.GetTempPath(), $"vbc-generate-{Guid.NewGuid():N}.csv");
        try
        {
            using (var file = new FileStream(csv, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(file);
            }
            var problems = ParquetMemberWriter.FromCsv(csv, columns, path);
            if (problems.Any(d => d.IsError))
            {
                // The generator's own CSV always reads: this is a defect, not a user error.
                throw new InvalidOperationException("The generated rows could not be read back: " + string.Join("; ", problems));
            }
            console.Error.WriteLine($"Wrote {path} ({new FileInfo(path).Length:#,##0} bytes).");
            return Program.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"vbc generate: cannot write '{path}': {e.Message.TrimEnd('.')}. Check the folder exists and you may write there, and that the disk has space, or give another --out file.");
            return Program.UsageErrors;
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
