using System.CommandLine;
using Vbc.Diagnostics;
using Vbc.MemberLevel;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Reports;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc check FILE... [--format text|json|sarif]</c>: reports every problem in the contracts, MSBuild style, or
/// as JSON or SARIF 2.1.0 for CI systems (docs/diagnostics.md, "Machine-readable output").
/// <c>vbc check CONTRACT --dump syntax|bound|ir [--year N] [--input NAME=VALUE]...</c> prints one stage's output instead.
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
        var dump = new Option<string>("--dump")
        {
            Description = "Print one stage of one contract instead of its problems: syntax (the syntax tree), bound (names with their types, units and levels) "
                + "or ir (the member-level work of a run, for --year and --input values: docs/architecture.md).",
        };
        dump.AcceptOnlyFromAmong("syntax", "bound", "ir");
        var year = NumberOption.Optional<int>("--year", "With --dump ir: the performance year (default: the year of the contract period).", "a year such as 2024");
        var input = new Option<string[]>("--input")
        {
            Description = "With --dump ir: an input value, NAME=VALUE (repeatable), as for vbc settle.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("check",
            "Check contracts: syntax, names, types and units, ranges, bands, levels. Prints 'file(line,col): error CODE: message' for each problem " +
            "(docs/diagnostics.md explains every code). Exit code 0 when clean, 1 when a contract has errors, 2 when a file cannot be read.")
        {
            files,
            warningsAsErrors,
            format,
            dump,
            year,
            input,
        };
        var plugins = new PluginArguments();
        plugins.AddTo(command);
        command.SetAction(parse => parse.GetValue(dump) is { } stage
            ? Dump(console, parse.GetValue(files)!, stage, parse.GetValue(year), parse.GetValue(input) ?? Array.Empty<string>(), plugins.From(parse))
            : Run(console, parse.GetValue(files)!, parse.GetValue(warningsAsErrors), parse.GetValue(format) ?? "text", plugins.From(parse)));
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

    /// <summary>
    /// One stage of one contract on standard output: its syntax tree, its symbols, or its member-level IR for a run.
    /// Problems go to standard error; the IR needs a contract without errors (exit 1 otherwise).
    /// </summary>
    internal static int Dump(Streams console, IReadOnlyList<string> files, string stage, int? year, IReadOnlyList<string> inputPairs, PluginOptions? plugins = null)
    {
        if (files.Count != 1)
        {
            console.Error.WriteLine($"vbc: --dump prints one contract; got {files.Count} files.");
            return Program.UsageErrors;
        }
        if (CliFiles.InputProblem(files[0], "contract") is { } problem)
        {
            console.Error.WriteLine(problem);
            return Program.UsageErrors;
        }
        if ((year is not null || inputPairs.Count > 0) && stage != "ir")
        {
            console.Error.WriteLine("vbc: --year and --input are for --dump ir: the syntax and the symbols do not depend on the run.");
            return Program.UsageErrors;
        }
        if (stage == "ir")
        {
            var (ir, exit) = LowerRun(console, files[0], year, inputPairs, plugins);
            if (ir is not null)
            {
                console.Out.Write(IrPrinter.Print(ir));
            }
            return exit;
        }
        var parsed = ContractParser.ParseFile(files[0]);
        var contract = PluginHost.Bind(parsed, plugins);
        foreach (var d in contract.Diagnostics)
        {
            console.Error.WriteLine(d);
        }
        console.Out.Write(stage == "syntax" ? SyntaxDump.Of(parsed.Root) : SymbolDump.Of(contract));
        return contract.HasErrors ? Program.ContractOrDataErrors : Program.Success;
    }

    /// <summary>
    /// The member-level IR of one contract for a run (its year and inputs, its plug-ins), as vbc check --dump ir and
    /// vbc sql print it. The contract's problems go to standard error; no IR (and exit 1 or 2) when it has errors or
    /// the run cannot be lowered. The exit code is the one to return when the IR is used.
    /// </summary>
    internal static (MemberLevelIr? Ir, int Exit) LowerRun(Streams console, string file, int? year, IReadOnlyList<string> inputPairs, PluginOptions? plugins)
    {
        if (SettleCommand.InputPairs(inputPairs, console.Error) is not { } inputs)
        {
            return (null, Program.UsageErrors);
        }
        var parsed = ContractParser.ParseFile(file);
        var contract = PluginHost.Bind(parsed, plugins);
        foreach (var d in contract.Diagnostics)
        {
            console.Error.WriteLine(d);
        }
        var (ir, _, failed) = SettlementEngine.LowerMemberLevel(contract, new SettlementRequest { Year = year, Inputs = inputs });
        if (failed is not null)
        {
            foreach (var d in failed.Diagnostics.Except(contract.Diagnostics))
            {
                console.Error.WriteLine(d);
            }
            return (null, failed.IsUsageError ? Program.UsageErrors : Program.ContractOrDataErrors);
        }
        return (ir, contract.HasErrors ? Program.ContractOrDataErrors : Program.Success);
    }
}
