using System.Text.RegularExpressions;
using Vbc.Tests.Infrastructure;
using static Vbc.Tests.Plugins.PluginTestKit;

namespace Vbc.Tests.Plugins;

/// <summary>
/// tests/plugins/escapes: one script per way out of the sandbox (README there). Each names the diagnostic it must
/// get ('// expect: CODE fragment'): refused when the contract is checked, or stopped while it settles; either way
/// the test process survives and settles a contract without plug-ins right after.
/// </summary>
public class EscapeCorpusTests
{
    public static TheoryData<string> Escapes() =>
        new(Directory.GetFiles(Golden.PathOf("tests", "plugins", "escapes"), "*.csx").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Escape_is_refused_or_stopped_with_a_positioned_diagnostic(string file)
    {
        var script = Golden.PathOf("tests", "plugins", "escapes", file);
        var expect = Regex.Match(File.ReadAllText(script), @"// expect: (VBC\d{4}) (.+)");
        Assert.True(expect.Success, $"{file} has no '// expect: CODE fragment' line.");
        string code = expect.Groups[1].Value, fragment = expect.Groups[2].Value.Trim();

        var dir = Folder("escape");
        // Each budget is proven by the script that exceeds it. On a busy machine a script meant to exceed the step or
        // memory budget could reach the 500 ms time limit first, so only the time-limit script runs with that limit.
        var options = code == "VBC7012" ? Options() : Options() with { Limits = Limits with { TimeMilliseconds = 60_000 } };
        var contract = Bind(Contract(dir, script, "escape {\n  amount: $1.00\n}"), options);
        var diagnostics = contract.Diagnostics.ToList();
        bool stoppedAtRunTime = false;
        if (!contract.HasErrors)
        {
            var result = Settle(contract, dir);
            Assert.True(!result.Succeeded, result.Succeeded ? $"{file} settled: {string.Join("\n", result.Statement!.Lines.Select(l => l.Label))}" : "");
            diagnostics = result.Diagnostics.ToList();
            stoppedAtRunTime = true;
        }
        Assert.True(diagnostics.Has(code, fragment), $"{file}: expected {code} with '{fragment}', got:\n{string.Join("\n", diagnostics)}");
        // One error per mistake: a refused plug-in's clause is not also reported as an unknown clause.
        Assert.DoesNotContain(diagnostics, d => d.Code == "VBC2001");
        var found = diagnostics.First(d => d.Code == code);
        Assert.True(found.Location.Line > 0, $"{file}: {found} has no line.");
        if (!stoppedAtRunTime)
        {
            Assert.EndsWith(file, found.Location.File, StringComparison.Ordinal);
        }

        // The process survives and settles what does not use the plug-in.
        var plain = Path.Combine(dir, "plain.vbc");
        File.WriteAllText(plain, Header + "capitation {\n  rate: $10.00 PMPM\n}\n");
        var again = Settle(Bind(plain), dir);
        Assert.True(again.Succeeded, string.Join("\n", again.Diagnostics));
        Assert.Equal(300.00m, again.Statement!.Total);
    }
}
