using System.Text.RegularExpressions;
using Antlr4.Runtime;
using Vbc.Parsing.Generated;
using Vbc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Vbc.Tests.Properties;

/// <summary>
/// The mutation driver of issue 6: every number written in every example contract is replaced, one at a time, by
/// values at the edges of what arithmetic can hold (7.9e24, 1e-28, -1, 0, 2^31), and the contract is settled as its
/// own comment says. Whatever the number, vbc must answer with a statement or a positioned diagnostic: never an
/// internal error (exit 3) or a stack trace. The suite settles a fixed sample (the same on every machine);
/// VBC_MUTATE_ALL=1 settles every case and prints the counts.
/// </summary>
public class ExampleMutationTests
{
    private const int SampleSize = 60;
    private const int Seed = 20261128;

    private static readonly string[] Replacements =
    {
        "7900000000000000000000000", // 7.9e24
        "0.0000000000000000000000000001", // 1e-28
        "-1",
        "0",
        "2147483648",
    };

    private readonly ITestOutputHelper _output;

    public ExampleMutationTests(ITestOutputHelper output) => _output = output;

    public sealed record Mutation(string Contract, string[] Command, int Start, int Stop, string Replacement)
    {
        public override string ToString() => $"{Contract} [{Start}..{Stop}] -> {Replacement}";
    }

    /// <summary>Every mutation of every example contract that has a settle command in its opening comment.</summary>
    public static List<Mutation> AllMutations()
    {
        var mutations = new List<Mutation>();
        var contracts = Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal);
        foreach (var path in contracts)
        {
            string text = File.ReadAllText(path);
            var command = Regex.Match(text, @"^// Settle[^:\n]*: vbc settle (.*)$", RegexOptions.Multiline);
            if (!command.Success)
            {
                continue;
            }
            var args = new[] { "settle" }.Concat(CliRunner.Split(command.Groups[1].Value)).ToArray();
            var lexer = new VbcLexer(new AntlrInputStream(text));
            lexer.RemoveErrorListeners();
            foreach (var token in lexer.GetAllTokens())
            {
                if (token.Type is not (VbcLexer.NUMBER or VbcLexer.MONEY or VbcLexer.PERCENT or VbcLexer.ORDINAL))
                {
                    continue;
                }
                foreach (var value in Replacements)
                {
                    string replacement = token.Type switch
                    {
                        VbcLexer.MONEY => value.StartsWith('-') ? "-$" + value[1..] : "$" + value,
                        VbcLexer.PERCENT => value + "%",
                        VbcLexer.ORDINAL => value + "th",
                        _ => value,
                    };
                    mutations.Add(new Mutation(Path.GetRelativePath(Golden.RepositoryRoot, path), args, token.StartIndex, token.StopIndex, replacement));
                }
            }
        }
        return mutations;
    }

    /// <summary>Settles one mutated contract; returns a description of the crash, or null.</summary>
    private static string? Crash(Mutation m, string dir)
    {
        string text = File.ReadAllText(Golden.PathOf(m.Contract));
        string mutated = text[..m.Start] + m.Replacement + text[(m.Stop + 1)..];
        string file = Path.Combine(dir, Path.GetFileName(m.Contract));
        File.WriteAllText(file, mutated);
        var args = m.Command.Select(a => a.Replace('\\', '/') == m.Contract.Replace('\\', '/') ? file : a).ToArray();
        var result = CliRunner.Run(args);
        if (Environment.GetEnvironmentVariable("VBC_MUTATE_DEBUG") == "1")
        {
            Console.Error.WriteLine($"{m}: exit {result.ExitCode}: {(result.Error + result.Output).Split('\n').FirstOrDefault()}");
        }
        if (result.ExitCode == 3 || result.Error.Contains("   at ", StringComparison.Ordinal))
        {
            var first = (result.Error + result.Output).Split('\n').FirstOrDefault(l => l.Length > 0) ?? "";
            return $"{m}: exit {result.ExitCode}: {first}";
        }
        return null;
    }

    [Fact]
    public void Mutated_examples_never_crash()
    {
        var all = AllMutations();
        Assert.True(all.Count > 300, $"only {all.Count} mutations: the example contracts lost their settle commands?");
        bool everything = Environment.GetEnvironmentVariable("VBC_MUTATE_ALL") == "1";
        var random = new Random(Seed);
        var cases = everything ? all : all.OrderBy(_ => random.Next()).Take(SampleSize).ToList();
        string dir = Directory.CreateTempSubdirectory("vbc-mutate-").FullName;
        try
        {
            var crashes = cases.Select(m => Crash(m, dir)).OfType<string>().ToList();
            _output.WriteLine($"{cases.Count} of {all.Count} mutations settled; {crashes.Count} crashed.");
            foreach (var crash in crashes)
            {
                _output.WriteLine(crash);
            }
            Assert.True(crashes.Count == 0, $"{crashes.Count} of {cases.Count} mutated settles crashed:\n{string.Join("\n", crashes.Take(20))}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
