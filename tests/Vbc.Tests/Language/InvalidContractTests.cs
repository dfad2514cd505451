using System.Diagnostics;
using System.Text;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Language;

/// <summary>
/// Contracts with mistakes (tests/invalid/*.vbc, see the README there): each gives diagnostics, never an exception, and
/// exactly its golden diagnostics, annotated under the offending lines. Plus input that is not a contract at all.
/// </summary>
public class InvalidContractTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output = output;

    public static TheoryData<string> InvalidContracts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Golden.PathOf("tests", "invalid"), "*.vbc").OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidContracts))]
    public void Gives_the_golden_diagnostics(string name)
    {
        var relative = $"tests/invalid/{name}.vbc";
        var parsed = ContractParser.ParseFile(Golden.PathOf(relative));
        var bound = Binder.Bind(parsed);
        Assert.NotEmpty(bound.Diagnostics);
        var located = bound.Diagnostics.Select(d => d with { Location = d.Location with { File = relative } });
        Golden.Verify($"tests/invalid/{name}.diagnostics.txt", DiagnosticAnnotator.Annotate(parsed.Source, located));
    }

    [Fact]
    public void An_empty_file_is_an_error_with_a_position()
    {
        var bound = Binder.Bind(ContractParser.Parse("", "empty.vbc"));
        var d = Assert.Single(bound.Diagnostics);
        Assert.Equal("VBC1003", d.Code);
        Assert.Equal((1, 1), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Only_comments_and_blank_lines_is_an_empty_contract()
    {
        var bound = Binder.Bind(ContractParser.Parse("// nothing here\n\n/* still nothing */\n", "comments.vbc"));
        Assert.Equal("VBC1003", Assert.Single(bound.Diagnostics).Code);
    }

    [Fact]
    public void Binary_garbage_is_refused_as_not_text()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vbc-binary-{Guid.NewGuid():N}.vbc");
        var bytes = new byte[512];
        new Random(7).NextBytes(bytes);
        bytes[40] = 0;
        File.WriteAllBytes(path, bytes);
        try
        {
            var d = Assert.Single(Binder.Bind(ContractParser.ParseFile(path)).Diagnostics);
            Assert.True(d.Code is "VBC1001" or "VBC1002", d.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Invalid_utf8_is_reported_at_its_line_and_column()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vbc-latin1-{Guid.NewGuid():N}.vbc");
        var text = Encoding.UTF8.GetBytes("contract \"Caf");
        File.WriteAllBytes(path, text.Concat(new byte[] { 0xE9, (byte)'"', (byte)' ', (byte)'{', (byte)'\n' }).ToArray());
        try
        {
            var d = Assert.Single(Binder.Bind(ContractParser.ParseFile(path)).Diagnostics);
            Assert.Equal("VBC1002", d.Code);
            Assert.Equal((1, 14), (d.Location.Line, d.Location.Column));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_a_diagnostic_not_an_exception()
    {
        var d = Assert.Single(ContractParser.ParseFile("/no/such/dir/contract.vbc").Diagnostics);
        Assert.Equal("VBC0002", d.Code);
    }

    /// <summary>
    /// A contract cut off at any point (every character of the largest example): never an exception, every
    /// diagnostic inside the text, and quickly.
    /// </summary>
    [Fact]
    public void Cut_off_at_every_point_never_throws()
    {
        var text = File.ReadAllText(Golden.PathOf("contracts", "mssp-glide-path.vbc"));
        int withErrors = 0;
        for (int cut = 0; cut <= text.Length; cut += 3)
        {
            var prefix = text[..cut];
            var bound = Binder.Bind(ContractParser.Parse(prefix, "cut.vbc"));
            var lines = prefix.Split('\n').Length;
            foreach (var d in bound.Diagnostics)
            {
                Assert.InRange(d.Location.Line, 0, lines + 1);
            }
            withErrors += bound.HasErrors ? 1 : 0;
        }
        Assert.True(withErrors > text.Length / 6, $"only {withErrors} cut points gave errors");
    }

    /// <summary>Random bytes decoded as text, and random shuffles of the tokens of a real contract: never an exception.</summary>
    [Fact]
    public void Garbage_text_never_throws()
    {
        var random = new Random(20241122);
        var sample = File.ReadAllText(Golden.PathOf("contracts", "reach-global.vbc"));
        var words = sample.Split(new[] { ' ', '\n' }, StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < 300; i++)
        {
            var text = i % 2 == 0
                ? new string(Enumerable.Range(0, random.Next(1, 400)).Select(_ => (char)random.Next(1, 0x2FF)).ToArray())
                : string.Join(random.Next(3) == 0 ? "\n" : " ", Enumerable.Range(0, random.Next(1, 120)).Select(_ => words[random.Next(words.Length)]));
            var bound = Binder.Bind(ContractParser.Parse(text, "garbage.vbc"));
            Assert.True(bound.Diagnostics.Length <= DiagnosticBag.Limit + 1);
        }
    }

    /// <summary>
    /// A contract of several hundred lines checks clean. Its check time is written to the test output only: speed
    /// is measured by docs/performance.md, never asserted by a timed test.
    /// </summary>
    [Fact]
    public void A_long_contract_checks_clean()
    {
        var glide = File.ReadAllText(Golden.PathOf("contracts", "mssp-glide-path.vbc"));
        var extra = new StringBuilder(glide);
        for (int year = 2029; year < 2100; year++)
        {
            extra.Append($"\nlevel \"Y{year}\" {{\n  years: {year}\n  shared savings {{\n    minimum savings rate: 2%\n    rate: 50% * quality_score\n    cap: 10% of benchmark\n  }}\n}}\n");
        }
        var text = extra.ToString().Replace("2028-12-31", "2099-12-31");
        Binder.Bind(ContractParser.Parse(glide, "warm.vbc"));
        var watch = Stopwatch.StartNew();
        var bound = Binder.Bind(ContractParser.Parse(text, "long.vbc"));
        watch.Stop();
        Assert.True(text.Split('\n').Length > 600);
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        _output.WriteLine($"checked {text.Split('\n').Length} lines in {watch.Elapsed.TotalMilliseconds:F0} ms");
    }
}
