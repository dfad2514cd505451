using System.Text;
using System.Text.RegularExpressions;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Cases;

/// <summary>
/// The bad-input corpus (tests/cases/*/, format in tests/cases/README.md): each case is a vbc command run on files
/// beside it, with the exit code, standard output and standard error kept as a golden file. Whatever the golden
/// says, no case may end in an internal error, print a stack trace, or report an error without a position.
/// </summary>
public class CommandCaseTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Golden.PathOf("tests", "cases")).OrderBy(d => d, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gives_its_golden_result(string name)
    {
        var dir = Golden.PathOf("tests", "cases", name);
        var commandFile = Path.Combine(dir, "command");
        Assert.True(File.Exists(commandFile), $"tests/cases/{name} has no 'command' file (see tests/cases/README.md).");
        var args = SplitArguments(File.ReadAllText(commandFile).Trim());
        var result = CliRunner.RunIn(dir, args);

        Assert.NotEqual(3, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("internal error", result.Error);
        // vbc diff exits 1 when it finds changes (as diff does), not for problems: the law is for the other commands.
        if (result.ExitCode == 1 && args[0] != "diff")
        {
            // Exit 1 means problems in a contract or its data: each error says where it is.
            var errors = (result.Output + result.Error).Split('\n').Where(l => Regex.IsMatch(l, @"\berror VBC\d{4}\b")).ToList();
            Assert.NotEmpty(errors);
            Assert.All(errors, l => Assert.Matches(@"^\S.*\(\d+,\d+\): error VBC\d{4}: \S", l));
        }

        // Links to docs/diagnostics.md point at the copy beside the vbc that runs: the same on every machine once named.
        result = result with
        {
            Output = result.Output.Replace(Vbc.Diagnostics.DiagnosticHelp.DocumentUri, "<docs>/diagnostics.md"),
            Error = result.Error.Replace(Vbc.Diagnostics.DiagnosticHelp.DocumentUri, "<docs>/diagnostics.md"),
        };
        var golden = new StringBuilder()
            .Append("exit: ").Append(result.ExitCode).Append('\n')
            .Append("--- stdout\n").Append(result.Output)
            .Append(result.Output.Length == 0 || result.Output.EndsWith('\n') ? "" : "\n")
            .Append("--- stderr\n").Append(result.Error)
            .Append(result.Error.Length == 0 || result.Error.EndsWith('\n') ? "" : "\n");
        Golden.Verify($"tests/cases/{name}/expected.txt", golden.ToString());
    }

    /// <summary>Whitespace-separated arguments; "double quotes" keep spaces and allow an empty argument ("").</summary>
    internal static string[] SplitArguments(string line)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any)
                {
                    args.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }
        Assert.False(quoted, $"Unbalanced quote in command: {line}");
        if (any)
        {
            args.Add(current.ToString());
        }
        return args.ToArray();
    }

    [Fact]
    public void Arguments_split_on_spaces_with_quotes_for_spaces_and_empty_arguments()
    {
        Assert.Equal(new[] { "check", "", "a b", "c" }, SplitArguments("check \"\"  \"a b\" c"));
    }
}
