using System.CommandLine;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Reports;
using Vbc.Scenarios;
using Vbc.Semantics;
using Vbc.Versions;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc diff OLD NEW [--format text|json|html] [--fail-on payer|provider|any] [--out FILE]</c>: the changes in
/// meaning between two versions of a contract, each with its id, a sentence and whom it favours (docs/diff.md).
/// Exit codes as diff has them: 0 no change in meaning, 1 changes found, 2 usage or file errors or a contract with errors.
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
        };
        command.SetAction(parse => Run(console, parse.GetValue(oldFile)!, parse.GetValue(newFile)!, parse.GetValue(format) ?? "text",
            parse.GetValue(failOn), parse.GetValue(output)));
        return command;
    }

    internal static int Run(Streams console, string oldPath, string newPath, string format, string? failOn, string? output)
    {
        var oldContract = Read(console, oldPath);
        var newContract = Read(console, newPath);
        if (oldContract is null || newContract is null)
        {
            return Program.UsageErrors;
        }
        var diff = ContractDiff.Compare(oldContract, newContract);
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
            "json" => DiffReports.Json(diff, scenarios),
            "html" => DiffReports.Html(diff, scenarios),
            _ => DiffReports.Text(diff, scenarios),
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
