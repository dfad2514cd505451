using System.Text.Json;
using Vbc.Data;
using Vbc.LanguageServer;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Infrastructure;
using Lsp = Vbc.LanguageServer.Protocol;
using static Vbc.Tests.LanguageServer.TextPositions;

namespace Vbc.Tests.LanguageServer;

/// <summary>
/// Live amounts: the server settles the contract on the data and inputs of its header command and shows each payment
/// clause's amount and each computed value inline (inlay hints), following each edit. Neovim 0.7 has no inlay hints,
/// so they are tested here, in process.
/// </summary>
public sealed class LiveAmountsTests
{
    private static readonly string SamplePath = Golden.PathOf("tests", "lsp", "sample.vbc");
    private static readonly string Sample = File.ReadAllText(SamplePath).Replace("\r\n", "\n");
    private static readonly string Uri = new System.Uri(SamplePath).AbsoluteUri;
    private static readonly string Root = new System.Uri(Golden.RepositoryRoot).AbsoluteUri;

    private static async Task<Lsp.InlayHint[]> HintsAsync(LspTestClient client) =>
        (await client.RequestAsync("textDocument/inlayHint", new { textDocument = new { uri = Uri }, range = new Lsp.Range(new(0, 0), new(10_000, 0)) }))
            .Deserialize<Lsp.InlayHint[]>(Lsp.ProtocolJson.Options)!;

    /// <summary>What vbc settle pays for a text, on the sample's data and inputs.</summary>
    private static decimal EngineAmount(string text)
    {
        var contract = Binder.Bind(ContractParser.Parse(text, SamplePath));
        using var data = new CsvMemberSource(Golden.PathOf("tests", "lsp", "sample-members.csv"));
        var result = SettlementEngine.Settle(contract, new SettlementRequest
        {
            Data = data,
            Inputs = new Dictionary<string, string> { ["quality_score"] = "90%" },
        });
        return result.Statement!.Components.Single().Amount!.Value;
    }

    private static string Describe(IEnumerable<Lsp.InlayHint> hints) =>
        string.Join("\n", hints.Select(h => $"{h.Position.Line}:{h.Position.Character} {h.Label}")) + "\n";

    [Fact]
    public async Task Amounts_appear_inline_and_follow_each_edit()
    {
        await using var client = await LspTestClient.StartAsync(rootUri: Root);
        await client.OpenAsync(Uri, Sample);
        var hints = await HintsAsync(client);
        Golden.Verify("tests/baselines/lsp/inlay-hints.txt", Describe(hints));

        decimal before = EngineAmount(Sample);
        var savings = hints.Single(h => h.Label.StartsWith("= Shared savings", StringComparison.Ordinal));
        Assert.Equal(Of(Sample, "shared savings {").Line, savings.Position.Line);
        Assert.Contains(Display.Money(before), savings.Label, StringComparison.Ordinal);

        // Lower the base rate: the amount follows, and equals what the engine settles for the new text.
        var at = Of(Sample, "base_rate: 40%", shift: "base_rate: ".Length);
        await client.ChangeAsync(Uri, 2, new Lsp.TextDocumentContentChangeEvent("30", new Lsp.Range(at, at with { Character = at.Character + 2 })));
        string edited = Sample.Replace("base_rate: 40%", "base_rate: 30%");
        decimal after = EngineAmount(edited);
        Assert.NotEqual(before, after);
        var updated = (await HintsAsync(client)).Single(h => h.Label.StartsWith("= Shared savings", StringComparison.Ordinal));
        Assert.Contains(Display.Money(after), updated.Label, StringComparison.Ordinal);
        var scaled = (await HintsAsync(client)).Single(h => h.Position.Line == Of(Sample, "scaled_rate:").Line);
        Assert.Equal("= 27%", scaled.Label);

        // The hover of a value shows the statement's formula once the amounts of this version are known.
        var hover = await client.RequestAsync("textDocument/hover", LspTestClient.At(Uri, Of(Sample, "scaled_rate", 2, 2)));
        Assert.Contains("Live: `scaled_rate = base_rate (30%) x quality_score (90%)`", hover.GetProperty("contents").GetProperty("value").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_contract_with_errors_or_missing_data_says_why_there_are_no_amounts()
    {
        await using var client = await LspTestClient.StartAsync(rootUri: Root);
        await client.OpenAsync(Uri, Sample.Replace("sample-members.csv", "no-such-members.csv"));
        var hint = Assert.Single(await HintsAsync(client));
        Assert.StartsWith("no live amounts: the data file", hint.Label, StringComparison.Ordinal);
        Assert.Equal(1, hint.Position.Line);

        await client.ChangeAsync(Uri, 2, new Lsp.TextDocumentContentChangeEvent(Sample.Replace("trend: 2%", "trend: 2% + nonsense")));
        Assert.Equal("no live amounts: the contract has errors", Assert.Single(await HintsAsync(client)).Label);
    }

    [Fact]
    public async Task An_editor_that_can_refresh_its_hints_is_asked_to_when_the_amounts_of_a_version_are_ready()
    {
        var capabilities = new { workspace = new { inlayHint = new { refreshSupport = true } } };
        await using var client = await LspTestClient.StartAsync(rootUri: Root, capabilities: capabilities);
        await client.OpenAsync(Uri, Sample);
        await client.DiagnosticsAsync(Uri, 1);
        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (client.InlayHintRefreshes == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.True(client.InlayHintRefreshes > 0, "the server never asked for the hints to be refreshed");
    }

    [Fact]
    public async Task A_contract_without_a_header_command_has_no_hints()
    {
        await using var client = await LspTestClient.StartAsync(rootUri: Root);
        await client.OpenAsync(Uri, string.Join('\n', Sample.Split('\n').Skip(2)));
        Assert.Empty(await HintsAsync(client));
    }
}
