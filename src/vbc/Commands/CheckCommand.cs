using System.CommandLine;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Semantics;

namespace Vbc.Cli.Commands;

/// <summary><c>vbc check FILE...</c>: reports every problem in the contracts, MSBuild style.</summary>
internal static class CheckCommand
{
    public static Command Create(Streams console)
    {
        var files = new Argument<string[]>("files") { Description = "Contract files (.vbc) to check.", Arity = ArgumentArity.OneOrMore };
        var warningsAsErrors = new Option<bool>("--warnings-as-errors") { Description = "Fail (exit code 1) on warnings too." };
        var command = new Command("check",
            "Check contracts: syntax, names, types and units, ranges, bands, levels. Prints 'file(line,col): error CODE: message' for each problem " +
            "(docs/diagnostics.md explains every code). Exit code 0 when clean, 1 when a contract has errors, 2 when a file cannot be read.")
        {
            files,
            warningsAsErrors,
        };
        command.SetAction(parse => Run(console, parse.GetValue(files)!, parse.GetValue(warningsAsErrors)));
        return command;
    }

    internal static int Run(Streams console, IReadOnlyList<string> files, bool warningsAsErrors)
    {
        int exit = Program.Success;
        int errors = 0, warnings = 0, unreadable = 0;
        foreach (var file in files)
        {
            if (CliFiles.InputProblem(file, "contract") is { } problem)
            {
                console.Error.WriteLine(problem);
                exit = Program.UsageErrors;
                unreadable++;
                continue;
            }
            var contract = Binder.Bind(ContractParser.ParseFile(file));
            foreach (var d in contract.Diagnostics)
            {
                console.Out.WriteLine(d);
                errors += d.IsError ? 1 : 0;
                warnings += d.Severity == Severity.Warning ? 1 : 0;
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
        int checkedFiles = files.Count - unreadable;
        console.Error.WriteLine($"{checkedFiles} file{(checkedFiles == 1 ? "" : "s")} checked: {errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}"
            + (unreadable > 0 ? $"; {unreadable} could not be read." : "."));
        return exit;
    }
}
