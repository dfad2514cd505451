using System.CommandLine;
using Vbc.Curves;
using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Pricing;
using Vbc.Reports;
using Vbc.Scenarios;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Text;
using Vbc.Versions;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc diff OLD NEW [--format text|json|html] [--fail-on payer|provider|any] [--out FILE] [--data FILE [--input N=V]...
/// [--inputs FILE] [--year N]]</c>: the changes in meaning between two versions of a contract, each with its id, a
/// sentence and whom it favours, and with --data what each is worth on that data (docs/diff.md). Exit codes as diff has
/// them: 0 no change in meaning, 1 changes found, 2 usage or file errors, a contract with errors, or a version that
/// cannot settle on the data.
/// </summary>
internal static class DiffCommand
{
    public static Command Create(Streams console)
    {
        var oldFile = new Argument<string>("old") { Description = "The old version of the contract (.vbc)." };
        var newFile = new Argument<string>("new") { Description = "The new version of the contract (.vbc)." };
        var format = new Option<string>("--format") { Description = "text (default), json (schema vbc-diff/1, docs/diff.md) or html (a self-contained redline)." };
        format.AcceptOnlyFromAmong("text", "json", "html");
        var failOn = new Option<string>("--fail-on")
        {
            Description = "For review pipelines: exit 1 only when a change favours this side (payer or provider), or favours either (any), " +
                          "or depends on the data, or cannot be classified; neutral changes alone then exit 0.",
        };
        failOn.AcceptOnlyFromAmong("payer", "provider", "any");
        var output = new Option<string?>("--out") { Description = "Write the diff to this file instead of the terminal." };
        var data = new Option<string[]>("--data")
        {
            Description = "Price the changes on member-level data (CSV or Parquet): both versions are settled and the difference attributed to each change. "
                + "For a contract that names its tables: TABLE=FILE, once per table.",
            AllowMultipleArgumentsPerToken = false,
        };
        var input = new Option<string[]>("--input") { Description = "With --data: an input value, NAME=VALUE (repeatable); each version is given the inputs it declares.", AllowMultipleArgumentsPerToken = false };
        var inputs = new Option<string>("--inputs") { Description = "With --data: a CSV file with one row per provider organisation (the first column names it): the changes are priced per organisation and in total." };
        var year = NumberOption.Optional<int>("--year", "With --data: the performance year to settle (default: the year of the contract period).", "a year such as 2024");
        var command = new Command("diff",
            "Compare two versions of a contract by meaning: layout, comments, the order of blocks and the spelling of equal values do not count. " +
            "Lists each change with a stable id, a sentence, its old and new value with where they are, and whom it favours. " +
            "Exit code 0 when nothing changed in meaning, 1 when something did (see --fail-on), 2 when a file cannot be read or a contract has errors.")
        {
            oldFile,
            newFile,
            format,
            failOn,
            output,
            data,
            input,
            inputs,
            year,
        };
        command.SetAction(parse => Run(console, parse.GetValue(oldFile)!, parse.GetValue(newFile)!, parse.GetValue(format) ?? "text",
            parse.GetValue(failOn), parse.GetValue(output), new PriceOptions(parse.GetValue(data) ?? Array.Empty<string>(), parse.GetValue(input) ?? Array.Empty<string>(),
                parse.GetValue(inputs), parse.GetValue(year))));
        return command;
    }

    /// <summary>What to price the diff on: --data, --input, --inputs, --year.</summary>
    internal sealed record PriceOptions(IReadOnlyList<string> Data, IReadOnlyList<string> Inputs, string? InputsFile, int? Year)
    {
        public static readonly PriceOptions None = new(Array.Empty<string>(), Array.Empty<string>(), null, null);
    }

    internal static int Run(Streams console, string oldPath, string newPath, string format, string? failOn, string? output, PriceOptions? price = null)
    {
        price ??= PriceOptions.None;
        if (price.Data.Count == 0 && (price.Inputs.Count > 0 || price.InputsFile is not null || price.Year is not null))
        {
            console.Error.WriteLine("vbc: --input, --inputs and --year price the diff on data: give the data with --data FILE.");
            return Program.UsageErrors;
        }
        var oldContract = Read(console, oldPath);
        var newContract = Read(console, newPath);
        if (oldContract is null || newContract is null)
        {
            return Program.UsageErrors;
        }
        var diff = ContractDiff.Compare(oldContract, newContract);
        DiffPricing? pricing = null;
        if (price.Data.Count > 0)
        {
            var (priced, usage) = Price(console, diff, oldContract, newContract, oldPath, price, curves: format == "html");
            if (usage)
            {
                return Program.UsageErrors;
            }
            pricing = priced;
        }
        // The cases the parties agreed on (the old version's scenario file, docs/scenarios.md), settled on both versions.
        DiffScenarios? scenarios = null;
        string sidecar = ScenarioFile.PathFor(oldPath);
        if (File.Exists(sidecar))
        {
            var file = ScenarioFile.Read(sidecar);
            if (file.HasErrors)
            {
                foreach (var d in file.Diagnostics.Where(d => d.IsError))
                {
                    console.Error.WriteLine(d);
                }
                console.Error.WriteLine($"vbc: the scenarios of '{oldPath}' have errors, so they are not run on the two versions.");
            }
            else
            {
                scenarios = new DiffScenarios(sidecar, ScenarioComparison.Run(oldContract, newContract, file));
            }
        }
        string text = format switch
        {
            "json" => DiffReports.Json(diff, scenarios, pricing),
            "html" => DiffReports.Html(diff, scenarios, pricing),
            _ => DiffReports.Text(diff, scenarios, pricing),
        };
        int written = CliFiles.WriteResult(console, output, text, new[] { oldPath, newPath });
        if (written != Program.Success)
        {
            return written;
        }
        if (output is not null || format != "text")
        {
            // The result went to a file or is for a machine: the one-line summary still reaches the person at the terminal.
            console.Error.WriteLine(DiffReports.Summary(diff));
        }
        if (pricing is { Prices: null })
        {
            // A version that cannot settle on the data: its diagnostics, after the static diff, and exit 2.
            foreach (var failure in pricing.Failures)
            {
                foreach (var d in failure.Diagnostics)
                {
                    console.Error.WriteLine(d);
                }
            }
            console.Error.WriteLine("vbc: the diff is not priced: a version cannot settle on the data (above).");
            return Program.UsageErrors;
        }
        return Fails(diff, failOn) ? Program.ContractOrDataErrors : Program.Success;
    }

    /// <summary>Whether the diff ends in exit code 1: any change, or with --fail-on only those that matter to that side.</summary>
    internal static bool Fails(ContractDiff diff, string? failOn) => failOn switch
    {
        null => !diff.IsEmpty,
        "payer" => diff.Changes.Any(c => c.Direction is ChangeDirection.FavoursPayer or ChangeDirection.Depends or ChangeDirection.Unclassified),
        "provider" => diff.Changes.Any(c => c.Direction is ChangeDirection.FavoursProvider or ChangeDirection.Depends or ChangeDirection.Unclassified),
        _ => diff.Changes.Any(c => c.Direction != ChangeDirection.Neutral),
    };

    /// <summary>
    /// Settles both versions (and the old version with each combination of the changes) on the data, once per
    /// organisation of --inputs. Returns the prices or the failures; <c>Usage</c> true after printing a usage problem.
    /// </summary>
    private static (DiffPricing? Pricing, bool Usage) Price(Streams console, ContractDiff diff, BoundContract old, BoundContract @new, string oldPath,
        PriceOptions price, bool curves)
    {
        if (SettleCommand.DataTables(price.Data) is not { } tables)
        {
            console.Error.WriteLine("vbc: --data is given more than once: for a contract that names its tables, give each as TABLE=FILE, once per table.");
            return (null, true);
        }
        foreach (var (file, what) in tables.Select(t => ((string?)t.File, "data")).Append((price.InputsFile, "inputs")))
        {
            if (file is not null && CliFiles.InputProblem(file, what) is { } problem)
            {
                console.Error.WriteLine(problem);
                return (null, true);
            }
        }
        if (SettleCommand.InputPairs(price.Inputs, console.Error) is not { } given)
        {
            return (null, true);
        }
        var declared = old.Inputs.Concat(@new.Inputs).Select(i => i.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (given.Keys.FirstOrDefault(k => !declared.Contains(k)) is { } unknown)
        {
            console.Error.WriteLine($"vbc: --input {unknown}: neither version declares an input '{unknown}'. Their inputs: {string.Join(", ", declared.Order(StringComparer.OrdinalIgnoreCase))}.");
            return (null, true);
        }

        SettlementRequest RequestFor(BoundContract contract, bool withData, IReadOnlyDictionary<string, string> values, string? organisation, string? splitColumn)
        {
            var own = values.Where(v => contract.Inputs.Any(i => i.Name.Equals(v.Key, StringComparison.OrdinalIgnoreCase)))
                .ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
            IMemberSource? Open(string file)
            {
                var source = MemberFiles.Open(file, null, false, file);
                return splitColumn is not null && organisation is not null && contract.Columns.Any(c => c.Name.Equals(splitColumn, StringComparison.OrdinalIgnoreCase))
                    ? new FilteredMemberSource(source, splitColumn, organisation) : source;
            }
            var first = withData ? Open(tables[0].File) : null;
            Dictionary<string, IMemberSource>? named = null;
            if (withData && contract.HasSeveralTables && tables[0].Table is { } firstTable)
            {
                named = new Dictionary<string, IMemberSource>(StringComparer.OrdinalIgnoreCase) { [firstTable] = first! };
                foreach (var (table, file) in tables.Skip(1))
                {
                    named[table!] = MemberFiles.Open(file, null, false, file);
                }
            }
            return new SettlementRequest { Year = price.Year, Inputs = own, Data = first, Tables = named, Organisation = organisation };
        }

        var runs = new List<PricingRun>();
        if (price.InputsFile is null)
        {
            runs.Add(new PricingRun(null, (contract, withData) => RequestFor(contract, withData, given, null, null)));
        }
        else
        {
            var file = InputsFile.Read(price.InputsFile);
            if (file.Diagnostics.Any(d => d.IsError))
            {
                SettleCommand.Report(console, file.Diagnostics);
                return (null, true);
            }
            string orgColumn = file.Columns.FirstOrDefault() ?? "";
            bool split = old.Columns.Concat(@new.Columns).Any(c => c.Name.Equals(orgColumn, StringComparison.OrdinalIgnoreCase) && c.Type.Kind == ValueKind.Text);
            if (!split && file.Rows.Select(r => r[orgColumn]).Distinct(StringComparer.Ordinal).Count() > 1)
            {
                console.Error.WriteLine($"vbc: to price {file.Rows.Count} organisations on one member file, the data must say which organisation each row belongs to: "
                    + $"declare a text column '{orgColumn}' in the contracts' data block (or give one row in --inputs).");
                return (null, true);
            }
            foreach (var row in file.Rows)
            {
                string organisation = row[orgColumn] ?? $"row {row.Line}";
                var values = new Dictionary<string, string>(given, StringComparer.OrdinalIgnoreCase);
                foreach (var (name, value) in row.Values)
                {
                    if (declared.Contains(name))
                    {
                        values[name] = value;
                    }
                }
                runs.Add(new PricingRun(organisation, (contract, withData) => RequestFor(contract, withData, values, organisation, split ? orgColumn : null)));
            }
        }

        var (prices, failures) = PricedDiff.Price(diff, old, @new,
            text => Vbc.Plugins.PluginHost.Bind(ContractParser.Parse(SourceText.From(text, oldPath))), runs);
        var pricing = new DiffPricing(string.Join(", ", price.Data), price.Year, given, price.InputsFile, prices, failures);
        if (curves && prices is not null && price.InputsFile is null && !old.HasSeveralTables && !@new.HasSeveralTables)
        {
            pricing = pricing with { CurvesProblem = null };
            // By savings rate, else (no benchmark, as under capitation) by quality score: the same driver for both versions.
            var problems = new List<string>();
            foreach (var (driver, from, to, points) in new[] { (CurveDriver.SavingsRate, -0.20m, 0.20m, 401), (CurveDriver.Quality, 0m, 1m, 101) })
            {
                var drawn = new List<(string Path, PayoutCurve Curve)>();
                foreach (var contract in new[] { old, @new })
                {
                    var request = RequestFor(contract, true, given, null, null);
                    try
                    {
                        var result = PayoutCurves.Compute(contract, request, driver, from, to, points);
                        if (result.Curve is null)
                        {
                            problems.Add($"{contract.Source.Path}: {(result.Problem ?? "it cannot settle on this data.").Replace(" Try --driver quality.", "").Replace(" Try --driver savings-rate.", "")}");
                            break;
                        }
                        drawn.Add((contract.Source.Path, result.Curve));
                    }
                    finally
                    {
                        (request.Data as IDisposable)?.Dispose();
                    }
                }
                if (drawn.Count == 2)
                {
                    return (pricing with { CurvesSvg = CurveWriters.Svg(drawn) }, false);
                }
            }
            pricing = pricing with { CurvesProblem = "No payout curves: " + string.Join(" ", problems) };
        }
        return (pricing, false);
    }

    /// <summary>The bound contract, or null after printing why it cannot be compared (a file problem, or its errors).</summary>
    private static BoundContract? Read(Streams console, string path)
    {
        if (CliFiles.InputProblem(path, "contract") is { } problem)
        {
            console.Error.WriteLine(problem);
            return null;
        }
        var contract = Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(path));
        if (contract.HasErrors)
        {
            foreach (var d in contract.Diagnostics)
            {
                console.Error.WriteLine(d);
            }
            if (!contract.Diagnostics.Any(d => d.Code == "VBC0002"))
            {
                console.Error.WriteLine($"vbc: '{path}' has errors: a contract is compared only once it checks clean (vbc check {path}).");
            }
            return null;
        }
        return contract;
    }
}
