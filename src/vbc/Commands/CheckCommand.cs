using System.CommandLine;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Reports;
using Vbc.Semantics;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc check FILE... [--format text|json|sarif]</c>: reports every problem in the contracts, MSBuild style, or
/// as JSON or SARIF 2.1.0 for CI systems (docs/diagnostics.md, "Machine-readable output").
/// </summary>
internal static class CheckCommand
{
    public static Command Create(Streams console)
    {
        var files = new Argument<string[]>("files") { Description = "Contract files (.vbc) to check.", Arity = ArgumentArity.OneOrMore };
        var warningsAsErrors = new Option<bool>("--warnings-as-errors") { Description = "Fail (exit code 1) on warnings too." };
        var format = new Option<string>("--format")
        {
            Description = "text (default): 'file(line,col): error CODE: message' lines; json: schema vbc-diagnostics/1; sarif: SARIF 2.1.0, for CI systems that annotate pull requests.",
        };
        format.AcceptOnlyFromAmong("text", "json", "sarif");
        var command = new Command("check",
            "Check contracts: syntax, names, types and units, ranges, bands, levels. Prints 'file(line,col): error CODE: message' for each problem " +
            "(docs/diagnostics.md explains every code). Exit code 0 when clean, 1 when a contract has errors, 2 when a file cannot be read.")
        {
            files,
            warningsAsErrors,
            format,
        };
        var plugins = new PluginArguments();
        plugins.AddTo(command);
        command.SetAction(parse => Run(console, parse.GetValue(files)!, parse.GetValue(warningsAsErrors), parse.GetValue(format) ?? "text", plugins.From(parse)));
        return command;
    }

    internal static int Run(Streams console, IReadOnlyList<string> files, bool warningsAsErrors, string format = "text", PluginOptions? plugins = null)
    {
        bool text = format == "text";
        int exit = Program.Success;
        var all = new List<Diagnostic>();
        var unreadable = new List<Diagnostic>();
        foreach (var file in files)
        {
            if (CliFiles.InputProblem(file, "contract") is { } problem)
            {
                console.Error.WriteLine(problem);
                // Machine-readable output carries it too, as the diagnostic for an unreadable file.
                var cannotRead = GeneralDiagnostics.CannotRead(file, problem["vbc: ".Length..]);
                unreadable.Add(cannotRead);
                all.Add(cannotRead);
                exit = Program.UsageErrors;
                continue;
            }
            // A contract that names plug-ins is bound with their clause kinds (the plug-in host); others as always.
            var contract = PluginHost.Bind(ContractParser.ParseFile(file), plugins);
            foreach (var d in contract.Diagnostics)
            {
                if (text)
                {
                    console.Out.WriteLine(d);
                }
                all.Add(d);
            }
            if (contract.Diagnostics.Any(d => d.Code == "VBC0002"))
            {
                exit = Program.UsageErrors;
            }
            else if ((contract.HasErrors || (warningsAsErrors && contract.Diagnostics.Any(d => d.Severity == Severity.Warning))) && exit == Program.Success)
            {
                exit = Program.ContractOrDataErrors;
            }
        }
        if (format == "json")
        {
            console.Out.Write(DiagnosticReports.Json(files, all));
        }
        else if (format == "sarif")
        {
            console.Out.Write(DiagnosticReports.Sarif(all, Directory.GetCurrentDirectory()));
        }
        // The counts are of problems in the contracts read; files that could not be read are counted apart.
        var found = all.Except(unreadable).ToList();
        int errors = found.Count(d => d.IsError);
        int warnings = found.Count(d => d.Severity == Severity.Warning);
        int checkedFiles = files.Count - unreadable.Count;
        console.Error.WriteLine($"{checkedFiles} file{(checkedFiles == 1 ? "" : "s")} checked: {errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}"
            + (unreadable.Count > 0 ? $"; {unreadable.Count} could not be read." : "."));
        if (text && found.Count > 0)
        {
            // One line, not one per diagnostic: where every code found is explained.
            var codes = found.Select(d => d.Code).Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();
            console.Error.WriteLine($"Each code is explained in {DiagnosticHelp.DocumentUri}: {string.Join(", ", codes.Select(c => $"{c} (#{DiagnosticHelp.Anchor(c)})"))}.");
        }
        return exit;
    }
}
