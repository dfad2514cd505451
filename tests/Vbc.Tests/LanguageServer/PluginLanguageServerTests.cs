using Vbc.LanguageServer;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Tests.Infrastructure;
using Vbc.Tests.Plugins;
using Lsp = Vbc.LanguageServer.Protocol;
using static Vbc.Tests.LanguageServer.TextPositions;

namespace Vbc.Tests.LanguageServer;

/// <summary>
/// A contract with a plugins block in the language server: bound through the plug-in host as vbc check binds it, so its
/// plug-in clauses are checked, completed and documented like built-in ones, and each script is compiled once.
/// </summary>
public sealed class PluginLanguageServerTests
{
    private static readonly string ContractPath = Golden.PathOf("contracts", "aggregate-stop-loss.vbc");
    private static readonly string Uri = new System.Uri(ContractPath).AbsoluteUri;
    private static readonly string Text = File.ReadAllText(ContractPath).Replace("\r\n", "\n");

    private static Task<LspTestClient> StartAsync() =>
        LspTestClient.StartAsync(new ServerOptions { Plugins = PluginTestKit.Options(), LiveAmounts = false });

    [Fact]
    public async Task A_plugin_contract_gets_the_diagnostics_of_vbc_check_and_none_says_its_clause_is_unknown()
    {
        await using var client = await StartAsync();
        await client.OpenAsync(Uri, Text);
        var published = await client.DiagnosticsAsync(Uri, 1);

        var expected = PluginHost.Bind(ContractParser.Parse(Text, ContractPath), PluginTestKit.Options()).Diagnostics;
        Assert.Equal(expected.Select(d => $"{d.Code} {d.Message}"), published.Diagnostics.Select(d => $"{d.Code} {d.Message}"));
        Assert.DoesNotContain(published.Diagnostics, d => d.Severity == 1);
        // Without the host, the clause would be unknown: the test would see it.
        Assert.Contains(Vbc.Semantics.Binder.Bind(ContractParser.Parse(Text, ContractPath)).Diagnostics, d => d.Severity == Vbc.Diagnostics.Severity.Error);
    }

    [Fact]
    public async Task A_misspelt_plugin_setting_gets_VBC2002_with_did_you_mean_and_the_script_is_compiled_once()
    {
        await using var client = await StartAsync();
        await client.OpenAsync(Uri, Text);
        await client.DiagnosticsAsync(Uri, 1);
        string misspelt = Text.Replace("  coinsurance: 90%", "  coinsurence: 90%");
        await client.ChangeAsync(Uri, 2, new Lsp.TextDocumentContentChangeEvent(misspelt));
        var published = await client.DiagnosticsAsync(Uri, 2);

        var error = Assert.Single(published.Diagnostics, d => d.Code == "VBC2002");
        Assert.Contains("Did you mean 'coinsurance'?", error.Message, StringComparison.Ordinal);
        Assert.Equal(Of(misspelt, "coinsurence").Line, error.Range.Start.Line);
        // The second version reused the plug-in the first one loaded.
        Assert.Equal(1, client.Server.Documents.Plugins.Loads);
    }

    [Fact]
    public async Task Completion_in_a_plugin_clause_offers_its_settings_and_hover_documents_them()
    {
        await using var client = await StartAsync();
        // The expected cost left out: completion offers it (settings already written are not offered again).
        string text = Text.Replace("  expected cost: $31,000,000.00\n", "  \n");
        await client.OpenAsync(Uri, text);
        var position = Of(text, "  \n  attachment", shift: 2);
        var labels = (await client.RequestAsync("textDocument/completion", LspTestClient.At(Uri, position)))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("label").GetString()!).ToArray();
        Assert.Contains("expected cost", labels);
        Assert.DoesNotContain("attachment", labels);

        var hover = await client.RequestAsync("textDocument/hover", LspTestClient.At(Uri, Of(text, "attachment: 110%", shift: 2)));
        Assert.Contains("The attachment point, as a percent of expected cost", hover.GetProperty("contents").GetProperty("value").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_on_a_pin_says_the_scripts_hash_and_a_wrong_pin_is_a_diagnostic_at_the_hash()
    {
        await using var client = await StartAsync();
        await client.OpenAsync(Uri, Text);
        await client.DiagnosticsAsync(Uri, 1);
        string sha = PluginTestKit.Sha256(Golden.PathOf("plugins", "aggregate-stop-loss.csx"));
        var hover = await client.RequestAsync("textDocument/hover", LspTestClient.At(Uri, Of(Text, sha, shift: 3)));
        string shown = hover.GetProperty("contents").GetProperty("value").GetString()!;
        Assert.Contains("adds the clause `aggregate stop loss`", shown, StringComparison.Ordinal);
        Assert.Contains($"SHA-256 of its source: `{sha}`", shown, StringComparison.Ordinal);
        Assert.Contains("Pinned", shown, StringComparison.Ordinal);

        string wrong = Text.Replace(sha, new string('0', 64));
        await client.ChangeAsync(Uri, 2, new Lsp.TextDocumentContentChangeEvent(wrong));
        var published = await client.DiagnosticsAsync(Uri, 2);
        var mismatch = Assert.Single(published.Diagnostics, d => d.Code == "VBC7003");
        Assert.Equal(Of(wrong, new string('0', 64)).Line, mismatch.Range.Start.Line);
        var onWrong = await client.RequestAsync("textDocument/hover", LspTestClient.At(Uri, Of(wrong, new string('0', 64), shift: 3)));
        Assert.Contains($"not loaded: VBC7003: The script of the plug-in 'aggregate_stop_loss' has SHA-256 {sha}", onWrong.GetProperty("contents").GetProperty("value").GetString(), StringComparison.Ordinal);
    }
}
