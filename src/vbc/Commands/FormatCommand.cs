using System.CommandLine;

namespace Vbc.Cli.Commands;

/// <summary><c>vbc fmt FILE... [--check]</c>: rewrites contracts in the canonical layout.</summary>
internal static class FormatCommand
{
    public static Command Create(Streams console)
    {
        var files = new Argument<string[]>("files") { Description = "Contract files (.vbc) to format.", Arity = ArgumentArity.OneOrMore };
        var check = new Option<bool>("--check") { Description = "Change nothing: list the files that are not in canonical layout (exit code 1 if any)." };
        var command = new Command("fmt", "Rewrite contracts in the one canonical layout (comments are kept). A file with errors is not touched.")
        {
            files,
            check,
        };
        command.SetAction(parse => Run(console, parse.GetValue(files)!, parse.GetValue(check)));
        return command;
    }

    internal static int Run(Streams console, IReadOnlyList<string> files, bool check)
    {
        console.Error.WriteLine("vbc fmt: not available yet.");
        return Program.UsageErrors;
    }
}
