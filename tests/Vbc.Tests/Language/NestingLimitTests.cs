using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Language;

/// <summary>
/// Text nested deeper than the limit (blocks, parentheses, if/else, signs, 'not') or with a huge chain of operators is
/// a diagnostic, never a stack overflow: through 'vbc check', 'vbc fmt' and 'vbc settle', run in-process on a thread
/// with a 1 MB stack (the size of xunit's threads and of a main thread on some systems). Text just inside the limits
/// goes through every pass on the same stack.
/// </summary>
public class NestingLimitTests
{
    private const string Head = """
        contract "Nesting" {
          period: 2024-01-01 to 2024-12-31
        }

        data {
          member_id: id
          member_months: member_months
          inpatient: money
        }

        cost {
          categories: inpatient
        }

        benchmark {
          total: $100,000,000
        }

        """;

    /// <summary>A contract whose sharing rate is <paramref name="rate"/> and whose population condition is <paramref name="include"/>.</summary>
    private static string Contract(string rate = "50%", string include = "inpatient >= $0", string extra = "") =>
        Head + $"population {{\n  include: {include}\n}}\n\nshared savings {{\n  rate: {rate}\n}}\n" + extra;

    private static string Repeat(string s, int n) => string.Concat(Enumerable.Repeat(s, n));

    public static TheoryData<string, int> Shapes() => new()
    {
        { "parens", 10_000 },
        { "if", 10_000 },
        { "else if", 10_000 },
        { "minus", 100_000 },
        { "not", 100_000 },
        { "blocks", 100_000 },
        { "lesser of", 10_000 },
        { "chain", 100_000 },
        { "parens around a chain", 10_000 },
    };

    private static string Shape(string shape, int n) => shape switch
    {
        "parens" => Contract(rate: Repeat("(", n) + "50%" + Repeat(")", n)),
        "if" => Contract(rate: Repeat("if true then ", n) + "50%" + Repeat(" else 10%", n)),
        "else if" => Contract(rate: Repeat("if false then 10% else ", n) + "50%"),
        "minus" => Contract(rate: Repeat("-", n) + "50%"),
        "not" => Contract(include: Repeat("not ", n) + "inpatient >= $0"),
        "blocks" => Contract(extra: "\n" + Repeat("quality {\n", n) + Repeat("}\n", n)),
        "lesser of" => Contract(rate: Repeat("lesser of 50% and ", n) + "50%"),
        "chain" => Contract(rate: Repeat("0% + ", n) + "50%"),
        "parens around a chain" => Contract(rate: Repeat("(", n) + Repeat("0% + ", ContractParserLimits.Operators - 1) + "50%" + Repeat(")", n)),
        _ => throw new ArgumentException(shape),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Too_deep_is_one_diagnostic_in_check_fmt_and_settle(string shape, int n)
    {
        string code = shape == "chain" ? "VBC1016" : "VBC1015";
        WithContract(Shape(shape, n), path =>
        {
            foreach (var args in Commands(path))
            {
                var result = OnOneMegabyteStack(() => CliRunner.Run(args));
                Assert.Equal(1, result.ExitCode);
                var all = result.Output + result.Error;
                Assert.Contains($"error {code}", all);
                Assert.DoesNotContain("internal error", all);
            }
        });
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Just_inside_the_limit_every_pass_runs(string shape, int _)
    {
        // Blocks and the clause take two levels; signs come in pairs so that the rate stays 50%.
        int depth = ContractParserLimits.Depth - 2;
        var text = shape == "chain" ? Shape(shape, ContractParserLimits.Operators - 1)
            : shape == "parens around a chain" ? Shape(shape, depth)
            : shape == "minus" ? Shape(shape, depth - depth % 2)
            : shape == "not" ? Shape(shape, depth - depth % 2)
            : shape == "blocks" ? Shape(shape, ContractParserLimits.Depth)
            : Shape(shape, depth);
        WithContract(text, path =>
        {
            foreach (var args in Commands(path))
            {
                var result = OnOneMegabyteStack(() => CliRunner.Run(args));
                var all = result.Output + result.Error;
                Assert.DoesNotContain("internal error", all);
                Assert.DoesNotContain("VBC1015", all);
                Assert.DoesNotContain("VBC1016", all);
                if (shape == "blocks")
                {
                    // A hundred nested quality blocks is laid out well but is not a valid contract: it is checked like one.
                    Assert.Equal(args[0] == "fmt" ? 0 : 1, result.ExitCode);
                }
                else
                {
                    Assert.True(result.ExitCode == 0, all);
                    if (args[0] == "settle")
                    {
                        Assert.Contains("$41,688,972.05", all);
                    }
                }
            }
        });
    }

    /// <summary>Named values built on named values: a long chain (v2: v1 + 0%) or a doubling one (v2: v1 + v1).</summary>
    private static string Values(string shape, int n)
    {
        var lines = Enumerable.Range(1, n - 1).Select(i => shape == "chain" ? $"  v{i}: v{i - 1} + 0%\n" : $"  v{i}: v{i - 1} + v{i - 1}\n");
        return Contract(rate: $"50% + v{n - 1}", extra: "\nvalues {\n  v0: 0%\n" + string.Concat(lines) + "}\n");
    }

    [Theory]
    [InlineData("chain", 20_000, 170)]
    [InlineData("doubling", 60, 15)]
    public void Values_built_on_values_too_far_are_one_diagnostic_and_just_inside_settle(string shape, int tooMany, int fine)
    {
        WithContract(Values(shape, tooMany), path =>
        {
            foreach (var args in Commands(path).Where(a => a[0] != "fmt"))
            {
                var result = OnOneMegabyteStack(() => CliRunner.Run(args));
                Assert.Equal(1, result.ExitCode);
                Assert.Single((result.Output + result.Error).Split('\n'), l => l.Contains("error VBC2044", StringComparison.Ordinal));
            }
        });
        WithContract(Values(shape, fine), path =>
        {
            foreach (var args in Commands(path))
            {
                var result = OnOneMegabyteStack(() => CliRunner.Run(args));
                Assert.True(result.ExitCode == 0, result.Output + result.Error);
                if (args[0] == "settle")
                {
                    Assert.Contains("$41,688,972.05", result.Output);
                }
            }
        });
    }

    [Fact]
    public void The_diagnostic_points_at_the_first_level_too_deep()
    {
        var parsed = Vbc.Parsing.ContractParser.Parse(Contract(rate: Repeat("(", 500) + "50%" + Repeat(")", 500)), "deep.vbc");
        var d = Assert.Single(parsed.Diagnostics);
        Assert.Equal("VBC1015", d.Code);
        // Line 23 holds "  rate: ((((...": the shared savings block is one level, so the 100th '(' is the 101st level.
        Assert.Equal((23, 9 + 99), (d.Location.Line, d.Location.Column));
    }

    private static IEnumerable<string[]> Commands(string path)
    {
        yield return new[] { "check", path };
        yield return new[] { "fmt", path };
        yield return new[] { "settle", path, "--data", "seeds/members.csv" };
    }

    private static void WithContract(string text, Action<string> body)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vbc-nesting-{Guid.NewGuid():N}.vbc");
        File.WriteAllText(path, text);
        try
        {
            body(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static T OnOneMegabyteStack<T>(Func<T> run)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = run();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("The run threw", failure);
        }
        return result;
    }

    private static class ContractParserLimits
    {
        public const int Depth = Vbc.Parsing.ContractParser.MaxNesting;
        public const int Operators = Vbc.Parsing.ContractParser.MaxOperatorsPerEntry;
    }
}
