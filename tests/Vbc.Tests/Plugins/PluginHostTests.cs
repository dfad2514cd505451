using System.Runtime.CompilerServices;
using Vbc.Plugins;
using Vbc.Reports;
using Vbc.Tests.Infrastructure;
using static Vbc.Tests.Plugins.PluginTestKit;

namespace Vbc.Tests.Plugins;

/// <summary>Loading: pins, compile errors, declarations, keyword clashes, finding scripts, and the cache.</summary>
public class PluginHostTests
{
    [Fact]
    public void A_plugin_clause_settles_and_the_statement_pins_it()
    {
        var dir = Folder("settle");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var contract = Bind(Contract(dir, script, "flat fee {\n  amount: $100.00\n  share: 10%\n  cost: cost\n}", pin: Sha256(script)));
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        var result = Settle(contract, dir);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var s = result.Statement!;
        // cost = 1,000.00 + 2,500.50 + 99.50 = 3,600.00; fee = 100 + 10% x 3,600 = 460.00
        Assert.Equal(3_600.00m, s.Lines.Single(l => l.Id == "flat-fee.cost").Value);
        Assert.Equal(460.00m, s.Total);
        var pin = Assert.Single(s.Plugins);
        Assert.Equal(("p", "flat fee", "1.0.0", Sha256(script)), (pin.Name, pin.Keyword, pin.Version, pin.Sha256));
        Assert.Contains($"\"sha256\": \"{Sha256(script)}\"", JsonStatementWriter.Write(s), StringComparison.Ordinal);
        Assert.Contains(Sha256(script), HtmlStatementWriter.Write(s), StringComparison.Ordinal);
        Assert.Contains("PLUG-INS", TextStatementWriter.Write(s), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_clause_inside_a_level_is_pinned_too()
    {
        var dir = Folder("level");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var contract = Bind(Contract(dir, script, "level \"A\" {\n  years: 2024\n  flat fee {\n    amount: $5.00\n    share: 0%\n  }\n}"));
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        var result = Settle(contract, dir);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(5.00m, result.Statement!.Total);
        Assert.Equal("p", Assert.Single(result.Statement.Plugins).Name);
    }

    [Fact]
    public void A_setting_out_of_its_range_at_settle_time_is_reported_as_for_a_built_in()
    {
        var dir = Folder("range");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var contract = Bind(Contract(dir, script, "inputs {\n  pct: percent\n}\n\nflat fee {\n  amount: $5.00\n  share: pct\n}"));
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        var result = Settle(contract, dir, new Dictionary<string, string> { ["pct"] = "150%" });
        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Diagnostics);
        Assert.Equal("VBC4003", problem.Code);
        Assert.Contains("'share' of flat fee comes to 150%", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pin_that_does_not_match_refuses_the_script()
    {
        var dir = Folder("pin");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var contract = Bind(Contract(dir, script, "flat fee {\n  amount: $100.00\n  share: 10%\n}", pin: new string('a', 64)));
        Assert.True(contract.Diagnostics.Has("VBC7003", Sha256(script)), string.Join("\n", contract.Diagnostics));
        var pinLine = contract.Diagnostics.First(d => d.Code == "VBC7003").Location;
        Assert.Equal((Path.Combine(dir, "contract.vbc"), 4), (pinLine.File, pinLine.Line));
    }

    [Fact]
    public void Compile_errors_are_positioned_in_the_script()
    {
        var dir = Folder("compile");
        var script = Script(dir, "broken.csx", ValidScript(extra: "decimal x = ;"));
        var contract = Bind(Contract(dir, script, "flat fee {\n  amount: $100.00\n  share: 10%\n}"));
        var error = Assert.Single(contract.Diagnostics, d => d.Code == "VBC7004");
        Assert.Equal(script, error.Location.File);
        Assert.Equal(17, error.Location.Line);
        Assert.Matches(@"broken\.csx\(17,\d+\): error VBC7004: The plug-in does not compile: .* \(CS\d{4}\)", error.ToString());
    }

    [Fact]
    public void Bad_declarations_are_diagnostics_at_their_lines()
    {
        var dir = Folder("declarations");
        var script = Script(dir, "bad.csx", ValidScript(prefix: "VBC", extra: "MoneySetting(\"amount\", \"Again.\", \"$1\"); ErrorCode(1000, \"t\", \"f\");"));
        var contract = Bind(Contract(dir, script, "flat fee {\n  amount: $100.00\n}"));
        var problems = contract.Diagnostics.Where(d => d.Code == "VBC7009").Select(d => d.ToString()).ToList();
        Assert.Contains(problems, p => p.Contains("(17,1)", StringComparison.Ordinal) && p.Contains("'amount' is declared twice", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("1000 is not between 1 and 999", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("prefix 'VBC'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_keyword_that_clashes_with_a_built_in_or_another_plugin_is_a_diagnostic()
    {
        var dir = Folder("clash");
        var builtIn = Script(dir, "cap.csx", ValidScript(keyword: "capitation"));
        var contract = Bind(Contract(dir, builtIn, "capitation {\n  rate: $1.00 PMPM\n}"));
        Assert.True(contract.Diagnostics.Has("VBC7007", "built-in"), string.Join("\n", contract.Diagnostics));

        var one = Script(dir, "one.csx", ValidScript());
        var two = Script(dir, "two.csx", ValidScript(prefix: "TWO") + "\n// another source, same keyword\n");
        var path = Path.Combine(dir, "two.vbc");
        File.WriteAllText(path, $"plugins {{\n  one: \"{one}\"\n  two: \"{two}\"\n}}\n\n" + Header + "flat fee {\n  amount: $1.00\n  share: 1%\n}\n");
        Assert.True(Bind(path).Diagnostics.Has("VBC7007", "the plug-in 'one'"));
    }

    [Fact]
    public void Scripts_are_found_beside_the_contract_or_in_the_plugins_folder()
    {
        var dir = Folder("find");
        var shared = Folder("shared");
        Script(shared, "flat-fee.csx", ValidScript());
        var contract = Contract(dir, "team/flat-fee.csx", "flat fee {\n  amount: $1.00\n  share: 1%\n}");
        var missing = Bind(contract);
        Assert.True(missing.Diagnostics.Has("VBC7002", "team/flat-fee.csx"), string.Join("\n", missing.Diagnostics));
        var found = Bind(contract, Options(pluginsDirectory: shared));
        Assert.False(found.HasErrors, string.Join("\n", found.Diagnostics));
    }

    [Fact]
    public void A_malformed_plugins_entry_says_how_to_write_it()
    {
        var dir = Folder("malformed");
        var path = Path.Combine(dir, "c.vbc");
        File.WriteAllText(path, "plugins {\n  p: 12\n  q {\n    script: \"x.csx\"\n    sha256: \"not-a-hash\"\n  }\n}\n\n" + Header);
        var contract = Bind(path);
        Assert.Single(contract.Diagnostics, d => d.Code == "VBC7001");
        Assert.Single(contract.Diagnostics, d => d.Code == "VBC7026");
    }

    [Fact]
    public void Check_treats_plugin_settings_like_built_in_ones()
    {
        var dir = Folder("check");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var contract = Bind(Contract(dir, script, "flat fee {\n  amont: $100.00\n  share: 150%\n  cost: member_months\n}"));
        var d = contract.Diagnostics;
        Assert.True(d.Has("VBC2002", "Did you mean 'amount'"), string.Join("\n", d));
        Assert.True(d.Has("VBC2004", "'flat fee' needs 'amount'"), string.Join("\n", d));
        Assert.True(d.Has("VBC2009", "'share' is 150%, but it must be between 0% and 100%"), string.Join("\n", d));
        Assert.True(d.Has("VBC2007", "'cost' must be money"), string.Join("\n", d));
        Assert.Equal(4, d.Length);
    }

    [Fact]
    public void A_plugins_own_diagnostic_carries_its_prefix()
    {
        var contract = Bind(Golden.PathOf("contracts", "aggregate-stop-loss.vbc"));
        Assert.Empty(contract.Diagnostics);
        var dir = Folder("own-code");
        var text = File.ReadAllText(Golden.PathOf("contracts", "aggregate-stop-loss.vbc"))
            .Replace("../plugins/", Golden.PathOf("plugins") + "/", StringComparison.Ordinal)
            .Replace("attachment: 110%", "attachment: 90%", StringComparison.Ordinal);
        var path = Path.Combine(dir, "asl.vbc");
        File.WriteAllText(path, text);
        var warned = Bind(path);
        var warning = Assert.Single(warned.Diagnostics);
        Assert.Equal("ASL001", warning.Code);
        Assert.Equal(Diagnostics.Severity.Warning, warning.Severity);
        Assert.Contains("90% of expected cost", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cli_loads_plugins_from_the_folder_and_cache_it_is_given()
    {
        var dir = Folder("cli");
        var shared = Folder("cli-shared");
        var cache = Path.Combine(dir, "cache");
        Script(shared, "flat-fee.csx", ValidScript());
        var contract = Contract(dir, "flat-fee.csx", "flat fee {\n  amount: $7.00\n  share: 0%\n}");
        File.WriteAllText(Path.Combine(dir, "data.csv"), PluginTestKit.Data);

        var missing = CliRunner.Run("check", contract, "--plugin-cache", cache);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("VBC7002", missing.Output, StringComparison.Ordinal);

        var settled = CliRunner.Run("settle", contract, "--data", Path.Combine(dir, "data.csv"), "--plugins", shared, "--plugin-cache", cache, "--format", "json");
        Assert.True(settled.ExitCode == 0, settled.Output + settled.Error);
        Assert.Contains("\"total\": \"7.00\"", settled.Output, StringComparison.Ordinal);
        Assert.Contains("\"plugins\": [", settled.Output, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(cache, "*.dll"));
    }

    // ---- cache --------------------------------------------------------------------------------------------------

    private static (LoadedPlugin? Plugin, IReadOnlyList<Diagnostics.Diagnostic> Diagnostics) Load(string script, string cache) =>
        PluginHost.LoadScript("p", script, File.ReadAllBytes(script), Sha256(script), Options(cache));

    [Fact]
    public void Cache_miss_then_hit_then_a_changed_script_recompiles()
    {
        var dir = Folder("cache-hit");
        var cache = Path.Combine(dir, "cache");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        Assert.Equal(PluginCache.Outcome.Miss, Load(script, cache).Plugin!.Cache);
        Assert.Equal(2, Directory.GetFiles(cache).Length);
        Assert.Equal(PluginCache.Outcome.Hit, Load(script, cache).Plugin!.Cache);

        File.AppendAllText(script, "\n// changed\n");
        Assert.Equal(PluginCache.Outcome.Miss, Load(script, cache).Plugin!.Cache);
        Assert.Equal(4, Directory.GetFiles(cache).Length);
    }

    [Fact]
    public void A_tampered_cache_entry_is_detected_and_rebuilt()
    {
        var dir = Folder("cache-tamper");
        var cache = Path.Combine(dir, "cache");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        Assert.Equal(PluginCache.Outcome.Miss, Load(script, cache).Plugin!.Cache);
        var dll = Directory.GetFiles(cache, "*.dll").Single();
        var bytes = File.ReadAllBytes(dll);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(dll, bytes);

        var rebuilt = Load(script, cache);
        Assert.Equal(PluginCache.Outcome.Tampered, rebuilt.Plugin!.Cache);
        Assert.Equal(PluginCache.Outcome.Hit, Load(script, cache).Plugin!.Cache);
    }

    [Fact]
    public void XDG_CACHE_HOME_and_VBC_PLUGIN_CACHE_choose_the_folder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME"), own = Environment.GetEnvironmentVariable("VBC_PLUGIN_CACHE");
        try
        {
            Environment.SetEnvironmentVariable("VBC_PLUGIN_CACHE", null);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/tmp/xdg-test");
            Assert.Equal("/tmp/xdg-test/vbc/plugins", PluginCache.DefaultDirectory());
            Environment.SetEnvironmentVariable("VBC_PLUGIN_CACHE", "/tmp/own-cache");
            Assert.Equal("/tmp/own-cache", PluginCache.DefaultDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", xdg);
            Environment.SetEnvironmentVariable("VBC_PLUGIN_CACHE", own);
        }
    }

    [Fact]
    public void An_unloaded_plugin_is_collected()
    {
        var dir = Folder("unload");
        var script = Script(dir, "flat-fee.csx", ValidScript());
        var context = LoadSettleAndUnload(script, Path.Combine(dir, "cache"));
        for (int i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(context.IsAlive, "The plug-in's load context is still alive after Unload and 20 collections.");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadSettleAndUnload(string script, string cache)
    {
        var (plugin, diagnostics) = Load(script, cache);
        Assert.NotNull(plugin);
        Assert.Empty(diagnostics);
        Assert.Equal("flat fee", plugin!.ClauseKind.Keyword);
        var weak = plugin.Context;
        plugin.Unload();
        return weak;
    }
}
