using Vbc.Formatting;
using Vbc.Parsing;
using Vbc.Syntax;
using static Vbc.Tests.Plugins.PluginTestKit;

namespace Vbc.Tests.Plugins;

/// <summary>
/// The one-line pin of the issue, <c>name: "path.csx" sha256 "..."</c>: parsed with spans, read by the host, refused
/// when it does not match, and positioned diagnostics for a malformed hash, a missing hash and a pin out of place. The
/// block form is still read, and the formatter writes it on one line.
/// </summary>
public sealed class PinTests
{
    private const string Clause = "flat fee {\n  amount: $100.00\n  share: 10%\n}";

    private static string OneLine(string dir, string script, string pinText)
    {
        var path = Path.Combine(dir, "contract.vbc");
        File.WriteAllText(path, $"plugins {{\n  p: \"{script}\" {pinText}\n}}\n\n" + Header + Clause + "\n");
        return path;
    }

    [Fact]
    public void The_one_line_pin_parses_into_the_entry_with_its_spans()
    {
        const string text = "plugins {\n  p: \"x.csx\" sha256 \"ab\"\n}\n";
        var parsed = ContractParser.Parse(text, "c.vbc");
        Assert.Empty(parsed.Diagnostics);
        var entry = Assert.IsType<EntrySyntax>(parsed.Root.Blocks[0].Items[0]);
        var pin = Assert.IsType<PinSyntax>(entry.Pin);
        Assert.Equal("sha256", text.Substring(pin.Kind.Span.Start, pin.Kind.Span.Length));
        Assert.Equal("\"ab\"", text.Substring(pin.Value.Span.Start, pin.Value.Span.Length));
        Assert.Equal("sha256 \"ab\"", text.Substring(pin.Span.Start, pin.Span.Length));
        Assert.Equal("p: \"x.csx\" sha256 \"ab\"", text.Substring(entry.Span.Start, entry.Span.Length));
        // An option phrase is still a phrase: the pin needs its string.
        var phrase = ContractParser.Parse("shared savings {\n  sharing: first dollar\n}\n", "c.vbc");
        Assert.Empty(phrase.Diagnostics);
        Assert.IsType<PhraseSyntax>(Assert.IsType<EntrySyntax>(phrase.Root.Blocks[0].Items[0]).Values[0]);
    }

    [Fact]
    public void A_one_line_pin_that_matches_settles_and_the_statement_pins_the_script()
    {
        var dir = Folder("oneline");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var contract = Bind(OneLine(dir, script, $"sha256 \"{Sha256(script).ToUpperInvariant()}\""));
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        var pin = Assert.Single(Settle(contract, dir).Statement!.Plugins);
        Assert.Equal(Sha256(script), pin.Sha256);
    }

    [Fact]
    public void A_one_line_pin_that_does_not_match_is_refused_at_the_hash()
    {
        var dir = Folder("oneline-mismatch");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var contract = Bind(OneLine(dir, script, $"sha256 \"{new string('b', 64)}\""));
        var refused = Assert.Single(contract.Diagnostics, d => d.Code == "VBC7003");
        Assert.Contains(Sha256(script), refused.Message, StringComparison.Ordinal);
        Assert.Equal((2, 16 + script.Length), (refused.Location.Line, refused.Location.Column));
    }

    [Theory]
    [InlineData("sha256 \"abc123\"", "VBC7026", "'abc123' has 6 digits")]
    [InlineData("sha256 \"zz2773d64e68c756e9039cc8a2a82430c5f13631bfda0744ab88a9ea960a24fa\"", "VBC7026", "has 'z', which is not a hex digit")]
    [InlineData("sha256 \"\"", "VBC7026", "it is empty")]
    [InlineData("sha256", "VBC7027", "'sha256' needs the script's SHA-256 after it")]
    [InlineData("sha256 3f5a", "VBC7027", "'sha256' needs the script's SHA-256 after it")]
    [InlineData("sha1 \"abc\"", "VBC7028", "'sha1' is not a pin vbc knows")]
    public void A_bad_pin_is_a_positioned_diagnostic(string pinText, string code, string fragment)
    {
        var dir = Folder("badpin");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var contract = Bind(OneLine(dir, script, pinText));
        var problem = Assert.Single(contract.Diagnostics, d => d.Code.StartsWith("VBC70", StringComparison.Ordinal) || d.Code.StartsWith("VBC1", StringComparison.Ordinal));
        Assert.Equal(code, problem.Code);
        Assert.Contains(fragment, problem.Message, StringComparison.Ordinal);
        // At the pin: the word for a missing hash or an unknown word, else the hash itself.
        int column = 9 + script.Length + (code == "VBC7026" ? "sha256 ".Length : 0);
        Assert.Equal((2, column), (problem.Location.Line, problem.Location.Column));
        // The plug-in is not loaded, and that is said once: its clause is not also reported as an unknown kind.
        Assert.DoesNotContain(contract.Diagnostics, d => d.Code == "VBC2001");
    }

    [Fact]
    public void A_malformed_hash_in_the_block_form_is_the_same_diagnostic()
    {
        var dir = Folder("badpin-block");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var contract = Bind(Contract(dir, script, Clause, pin: "not-a-hash"));
        var problem = Assert.Single(contract.Diagnostics, d => d.Code == "VBC7026");
        Assert.Equal((4, 13), (problem.Location.Line, problem.Location.Column));
        Assert.DoesNotContain(contract.Diagnostics, d => d.Code == "VBC2001");
    }

    [Fact]
    public void A_pin_anywhere_but_a_plugins_script_is_refused()
    {
        var parsed = ContractParser.Parse(Header.Replace("  payer: \"Payer\"", "  payer: \"Payer\" sha256 \"abc\"") + "shared savings {\n  sharing rate: 50% sha256 \"abc\"\n}\n", "c.vbc");
        var contract = Vbc.Semantics.Binder.Bind(parsed);
        var pins = contract.Diagnostics.Where(d => d.Code == "VBC7028").ToList();
        Assert.Equal(new[] { (2, 18), (13, 21) }, pins.Select(d => (d.Location.Line, d.Location.Column)));
    }

    [Fact]
    public void The_formatter_writes_the_block_form_on_one_line_keeping_comments()
    {
        const string input = """
            plugins {
              // agreed 2024-01-15
              a {
                script: "plugins/a.csx" // the team's copy
                sha256: "21888D72fc0201a9819e77eabfae8e5d9f1779117b3d1aa58b4415dc0a1dede0"
              }
              b {
                script: "plugins/b.csx"
              }
              c: "plugins/c.csx"   sha256   "a81651c9798b317e8c3e5e4ae27bfebaf3cdd487f53a6873dfa887b8debe9d78"
            }
            """;
        Vbc.Tests.Formatting.FormatAssert.FormatsTo(input, """
            plugins {
              // agreed 2024-01-15
              // the team's copy
              a: "plugins/a.csx" sha256 "21888D72fc0201a9819e77eabfae8e5d9f1779117b3d1aa58b4415dc0a1dede0"
              b: "plugins/b.csx"
              c: "plugins/c.csx" sha256 "a81651c9798b317e8c3e5e4ae27bfebaf3cdd487f53a6873dfa887b8debe9d78"
            }
            """);
        // A block that does not name a script is left as written (its diagnostic says how to write it).
        Assert.Contains("  d {\n    path: \"x.csx\"\n  }\n", ContractFormatter.Format(ContractParser.Parse("plugins {\n  d {\n    path: \"x.csx\"\n  }\n}\n")), StringComparison.Ordinal);
    }
}
