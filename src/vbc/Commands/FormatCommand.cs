using System.CommandLine;
using System.Text;
using Vbc.Formatting;
using Vbc.Parsing;

namespace Vbc.Cli.Commands;

/// <summary><c>vbc fmt FILE... [--check]</c>: rewrites contracts in the canonical layout.</summary>
internal static class FormatCommand
{
    public static Command Create(Streams console)
    {
        var files = new Argument<string[]>("files") { Description = "Contract files (.vbc) to format.", Arity = ArgumentArity.OneOrMore };
        var check = new Option<bool>("--check") { Description = "Change nothing: list the files that are not in canonical layout (exit code 1 if any)." };
        var command = new Command("fmt",
            "Rewrite contracts in the one canonical layout (comments are kept; formatting twice changes nothing). A file with syntax errors is not touched: its errors are printed. " +
            "Exit code 0 when all is well, 1 when a file has errors (or, with --check, is not formatted), 2 when a file cannot be read or written.")
        {
            files,
            check,
        };
        command.SetAction(parse => Run(console, parse.GetValue(files)!, parse.GetValue(check)));
        return command;
    }

    internal static int Run(Streams console, IReadOnlyList<string> files, bool check)
    {
        int exit = Program.Success;
        foreach (var file in files)
        {
            if (CliFiles.InputProblem(file, "contract") is { } problem)
            {
                console.Error.WriteLine(problem);
                exit = Program.UsageErrors;
                continue;
            }
            var parsed = ContractParser.ParseFile(file);
            if (parsed.HasErrors)
            {
                foreach (var d in parsed.Diagnostics)
                {
                    console.Out.WriteLine(d);
                }
                exit = Math.Max(exit, parsed.Diagnostics.Any(d => d.Code == "VBC0002") ? Program.UsageErrors : Program.ContractOrDataErrors);
                continue;
            }
            string formatted = ContractFormatter.Format(parsed);
            if (formatted == parsed.Source.Text)
            {
                continue;
            }
            if (check)
            {
                console.Out.WriteLine($"{file}: not in canonical layout (run 'vbc fmt {file}')");
                exit = Math.Max(exit, Program.ContractOrDataErrors);
                continue;
            }
            try
            {
                File.WriteAllText(file, formatted, new UTF8Encoding(false));
                console.Out.WriteLine($"{file}: formatted");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                console.Error.WriteLine($"vbc: cannot write '{file}': {e.Message} Check that you may write to it (the file is left as it was).");
                exit = Program.UsageErrors;
            }
        }
        return exit;
    }
}
