using Vbc.Tests.Infrastructure;
using static Vbc.Tests.Plugins.PluginTestKit;

namespace Vbc.Tests.Plugins;

/// <summary><c>vbc doc FILE.csx</c>: a plug-in's reference page from its declarations, after the host's checks.</summary>
public class PluginDocTests
{
    [Fact]
    public void The_stop_loss_example_gets_its_reference_page()
    {
        var result = CliRunner.Run("doc", "plugins/aggregate-stop-loss.csx", "--plugin-cache", SharedCache);
        Assert.True(result.ExitCode == 0, result.Error);
        Golden.Verify("tests/baselines/plugins/aggregate-stop-loss.md", result.Output);
        // Every declaration is on the page: each setting with its range, the output, each code with its fix.
        Assert.Contains("| `attachment` | percent (12.5%) | once | between 0% and 1,000% | yes |", result.Output, StringComparison.Ordinal);
        Assert.Contains("| `cost` | money ($1,234.56), written over each member's columns | per member | any value | yes |", result.Output, StringComparison.Ordinal);
        Assert.Contains("| ASL002 | error | no expected cost | Give the expected cost of the year as an amount above $0. |", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_writes_the_page_to_a_file()
    {
        var dir = Folder("doc-out");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var page = Path.Combine(dir, "flat-fee.md");
        var result = CliRunner.Run("doc", script, "--out", page, "--plugin-cache", SharedCache);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("# `flat fee` (plug-in clause)", File.ReadAllText(page), StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void A_script_that_breaks_the_sandbox_gets_its_diagnostics_and_no_page()
    {
        var dir = Folder("doc-escape");
        var script = Script(dir, "escape.csx", ValidScript(extra: "var leak = System.IO.File.ReadAllText(\"/etc/passwd\");"));
        var result = CliRunner.Run("doc", script, "--plugin-cache", SharedCache);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("VBC7005", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void A_missing_script_is_a_file_error()
    {
        var result = CliRunner.Run("doc", "plugins/no-such-plugin.csx");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("it does not exist", result.Error, StringComparison.Ordinal);
    }
}
