using System.Text;
using Vbc.Formatting;
using Vbc.Parsing;

namespace Vbc.Tests.Formatting;

/// <summary>
/// Every <c>.vbc</c> file under the repository's <c>contracts/</c> folder, found anew on each run so that examples
/// added later are checked too: formatting it keeps its meaning and its comments, and is idempotent.
/// </summary>
public class ContractFilesFormattingTests
{
    public static IEnumerable<object[]> ContractFiles() =>
        Directory.EnumerateFiles(ContractsFolder(), "*.vbc", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(ContractsFolder(), path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(path => new object[] { path });

    [Fact]
    public void Finds_the_example_contracts()
    {
        Assert.NotEmpty(ContractFiles());
    }

    [Theory]
    [MemberData(nameof(ContractFiles))]
    public void Formats_an_example_contract_keeping_its_meaning_and_comments(string file)
    {
        var parsed = ContractParser.ParseFile(Path.Combine(ContractsFolder(), file));
        Assert.True(parsed.Diagnostics.IsEmpty, $"{file} has diagnostics:\n" + string.Join('\n', parsed.Diagnostics));

        string formatted = ContractFormatter.Format(parsed);

        FormatAssert.Invariants(parsed, formatted);
    }

    /// <summary>
    /// The layout is the formatter's, not the author's: changing the spaces, tabs and line endings between tokens
    /// (and adding blank lines where one already was) changes nothing in the output.
    /// </summary>
    [Theory]
    [MemberData(nameof(ContractFiles))]
    public void Formats_an_example_contract_the_same_whatever_its_spacing(string file)
    {
        var parsed = ContractParser.ParseFile(Path.Combine(ContractsFolder(), file));
        Assert.False(parsed.HasErrors);
        string expected = ContractFormatter.Format(parsed);

        for (int seed = 1; seed <= 5; seed++)
        {
            string respaced = Respace(parsed.Source.Text, new Random(seed));
            var reparsed = ContractParser.Parse(respaced, file);
            Assert.False(reparsed.HasErrors, $"seed {seed}: " + string.Join('\n', reparsed.Diagnostics));
            Assert.Equal(expected, ContractFormatter.Format(reparsed));
        }
    }

    /// <summary>
    /// Replaces each run of spaces and tabs outside strings and comments by another one, writes some line breaks as
    /// CRLF, adds white space at some line ends and doubles some blank lines.
    /// </summary>
    private static string Respace(string text, Random random)
    {
        string[] spaces = [" ", "  ", "\t", " \t  ", "     "];
        var builder = new StringBuilder(text.Length * 2);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            int end;
            if (c == '/' && next == '/')
            {
                end = text.IndexOfAny(['\r', '\n'], i);
                end = end < 0 ? text.Length : end;
            }
            else if (c == '/' && next == '*')
            {
                end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
            }
            else if (c == '"')
            {
                end = i + 1;
                while (end < text.Length && text[end] != '"')
                {
                    end += text[end] == '\\' ? 2 : 1;
                }
                end = Math.Min(end + 1, text.Length);
            }
            else if (c == '\u201C')
            {
                end = text.IndexOf('\u201D', i + 1);
                end = end < 0 ? text.Length : end + 1;
            }
            else if (c is ' ' or '\t')
            {
                while (i < text.Length && text[i] is ' ' or '\t')
                {
                    i++;
                }
                builder.Append(spaces[random.Next(spaces.Length)]);
                continue;
            }
            else if (c is '\r' or '\n')
            {
                i += c == '\r' && next == '\n' ? 2 : 1;
                if (random.Next(4) == 0)
                {
                    builder.Append(' ');
                }
                builder.Append(random.Next(3) == 0 ? "\r\n" : "\n");
                if (i < text.Length && text[i] is '\r' or '\n' && random.Next(2) == 0)
                {
                    builder.Append('\n');
                }
                continue;
            }
            else
            {
                end = i + 1;
            }
            builder.Append(text, i, end - i);
            i = end;
        }
        return builder.ToString();
    }

    /// <summary>The <c>contracts</c> folder beside <c>Dsl.sln</c>, found by walking up from the test's folder.</summary>
    private static string ContractsFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Dsl.sln")))
            {
                return Path.Combine(directory.FullName, "contracts");
            }
        }
        throw new InvalidOperationException($"No Dsl.sln in {AppContext.BaseDirectory} or any folder above it.");
    }
}
