using System.CommandLine;
using Vbc.Data.Synthetic;

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

    private static Option<long> Seed() => new("--seed") { Description = "The random seed (the same seed gives the same file).", DefaultValueFactory = _ => 1 };

    private static Option<string> Out() => new("--out") { Description = "The file to write (default: the terminal).", };

    private static Command Members(Streams console)
    {
        var members = new Option<long>("--members") { Description = "How many members (rows).", DefaultValueFactory = _ => 1_000 };
        var seed = Seed();
        var organisations = new Option<int>("--organisations") { Description = "How many provider organisations the members belong to.", DefaultValueFactory = _ => 1 };
        var profile = new Option<string>("--profile") { Description = "medicare (default) or commercial.", DefaultValueFactory = _ => "medicare" };
        profile.AcceptOnlyFromAmong("medicare", "commercial");
        var costFactor = new Option<double>("--cost-factor") { Description = "Scales every cost (0.95 = 5% cheaper), to show savings or losses.", DefaultValueFactory = _ => 1.0 };
        var output = Out();
        var command = new Command("members", "Member-level rows: ids, member months, risk, flags, cost by category, quality numerators and denominators.")
        {
            members, seed, organisations, profile, costFactor, output,
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
            return Write(console, options.Validate(), parse.GetValue(output), s => MemberDataGenerator.Write(s, options));
        });
        return command;
    }

    private static Command Episodes(Streams console)
    {
        var episodes = new Option<long>("--episodes") { Description = "How many episodes (rows).", DefaultValueFactory = _ => 1_000 };
        var seed = Seed();
        var year = new Option<int>("--year") { Description = "The year episodes start in.", DefaultValueFactory = _ => 2024 };
        var organisations = new Option<int>("--organisations") { Description = "How many provider organisations.", DefaultValueFactory = _ => 1 };
        var pool = new Option<long>("--member-pool") { Description = "Member ids are drawn from M00000001 up to this many.", DefaultValueFactory = _ => 5_000 };
        var costFactor = new Option<double>("--cost-factor") { Description = "Scales every episode cost.", DefaultValueFactory = _ => 1.0 };
        var output = Out();
        var command = new Command("episodes", "Bundled-payment episodes: id, member, type, anchor date, cost, readmission.")
        {
            episodes, seed, year, organisations, pool, costFactor, output,
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
            return Write(console, options.Validate(), parse.GetValue(output), s => EpisodeDataGenerator.Write(s, options));
        });
        return command;
    }

    private static Command AcoInputs(Streams console)
    {
        var acos = new Option<int>("--acos") { Description = "How many ACOs (rows).", DefaultValueFactory = _ => 24 };
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

    private static int Write(Streams console, IReadOnlyList<string> problems, string? path, Func<Stream, long> write)
    {
        if (problems.Count > 0)
        {
            foreach (var p in problems)
            {
                console.Error.WriteLine($"vbc generate: {p}");
            }
            return Program.UsageErrors;
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
            console.Error.WriteLine($"vbc generate: cannot write '{path}': {e.Message}");
            return Program.UsageErrors;
        }
    }
}
