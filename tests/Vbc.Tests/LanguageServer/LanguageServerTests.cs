using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamJsonRpc;
using Vbc.Formatting;
using Vbc.LanguageServer;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Infrastructure;
using Lsp = Vbc.LanguageServer.Protocol;
using static Vbc.Tests.LanguageServer.TextPositions;

namespace Vbc.Tests.LanguageServer;

/// <summary>
/// The language server end to end in process: a client sends what an editor sends (initialize, didOpen, didChange,
/// requests) over a duplex stream and the responses are compared with golden files in tests/baselines/lsp/, exactly
/// as they crossed the wire.
/// </summary>
public sealed class LanguageServerTests
{
    private const string Uri = "file:///work/contracts/sample.vbc";
    private static readonly string Sample = File.ReadAllText(Golden.PathOf("tests", "lsp", "sample.vbc")).Replace("\r\n", "\n");

    private static void VerifyGolden(string name, JsonObject responses) =>
        Golden.Verify($"tests/baselines/lsp/{name}.json", responses.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");

    private static JsonNode? Node(JsonElement element) => JsonNode.Parse(element.GetRawText());

    private static async Task<LspTestClient> OpenSampleAsync(string? text = null)
    {
        var client = await LspTestClient.StartAsync();
        await client.OpenAsync(Uri, text ?? Sample);
        return client;
    }

    [Fact]
    public async Task Initialize_announces_the_features_the_server_has()
    {
        var (serverStream, clientStream) = Nerdbank.Streams.FullDuplexStream.CreatePair();
        using var server = VbcLanguageServer.Start(serverStream, serverStream, new ServerOptions());
        var formatter = new SystemTextJsonFormatter();
        using var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(clientStream, clientStream, formatter));
        rpc.StartListening();
        var result = await rpc.InvokeWithParameterObjectAsync<JsonElement>("initialize", new { processId = (int?)null, capabilities = new { } })
            .WaitAsync(LspTestClient.Timeout);
        var node = Node(result)!.AsObject();
        node["serverInfo"]!["version"] = "(version)";
        VerifyGolden("initialize", new JsonObject { ["initialize"] = node });
    }

    [Fact]
    public async Task Diagnostics_arrive_for_the_opened_text_with_the_codes_and_messages_of_vbc_check()
    {
        string text = Sample.Replace("rate: scaled_rate * diabetes_control", "rate: scaled_rat * diabetes_control");
        await using var client = await OpenSampleAsync(text);
        var published = await client.DiagnosticsAsync(Uri, 1);

        var expected = Binder.Bind(ContractParser.Parse(text)).Diagnostics;
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(d => (d.Code, d.Location.Line - 1, d.Location.Column - 1, d.Message)),
            published.Diagnostics.Select(d => (d.Code, d.Range.Start.Line, d.Range.Start.Character, d.Message)));
        Assert.Contains(published.Diagnostics, d => d.Code == "VBC2005" && d.Message.Contains("Did you mean 'scaled_rate'?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_invalid_contract_gets_the_same_diagnostics_as_vbc_check()
    {
        await using var client = await LspTestClient.StartAsync();
        int n = 0;
        foreach (var file in Directory.GetFiles(Golden.PathOf("tests", "invalid"), "*.vbc").Order(StringComparer.Ordinal))
        {
            string uri = "file:///invalid/" + Path.GetFileName(file);
            string text = File.ReadAllText(file);
            await client.OpenAsync(uri, text);
            var published = await client.DiagnosticsAsync(uri, 1);
            var expected = Binder.Bind(ContractParser.Parse(text, Documents.PathOf(uri))).Diagnostics;
            Assert.Equal(expected.Select(d => $"{d.Location.Line - 1}:{d.Location.Column - 1} {d.Code} {d.Message}"),
                published.Diagnostics.Select(d => $"{d.Range.Start.Line}:{d.Range.Start.Character} {d.Code} {d.Message}"));
            Assert.NotEmpty(published.Diagnostics);
            n++;
        }
        Assert.True(n >= 10, "the invalid contracts were not found");
    }

    [Fact]
    public async Task Incremental_changes_are_applied_and_diagnostics_follow_each_version()
    {
        await using var client = await OpenSampleAsync();
        Assert.Empty((await client.DiagnosticsAsync(Uri, 1)).Diagnostics);

        // Type a mistake: "trend: 2%" becomes "trend: 2% +" (a dangling operator), then undo it.
        var at = Of(Sample, "trend: 2%", shift: "trend: 2%".Length);
        await client.ChangeAsync(Uri, 2, new Lsp.TextDocumentContentChangeEvent(" + benchmrk", new Lsp.Range(at, at)));
        var broken = await client.DiagnosticsAsync(Uri, 2);
        Assert.Contains(broken.Diagnostics, d => d.Code == "VBC2005" && d.Range.Start.Line == at.Line);

        var end = new Lsp.Position(at.Line, at.Character + " + benchmrk".Length);
        await client.ChangeAsync(Uri, 3, new Lsp.TextDocumentContentChangeEvent("", new Lsp.Range(at, end)));
        Assert.Empty((await client.DiagnosticsAsync(Uri, 3)).Diagnostics);

        // A whole-text change replaces everything.
        await client.ChangeAsync(Uri, 4, new Lsp.TextDocumentContentChangeEvent("contract \"x\" {\n"));
        Assert.Contains((await client.DiagnosticsAsync(Uri, 4)).Diagnostics, d => d.Code.StartsWith("VBC1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diagnostics_are_debounced_while_the_user_types()
    {
        await using var client = await LspTestClient.StartAsync(new ServerOptions { DiagnosticsDelay = TimeSpan.FromMilliseconds(300) });
        await client.OpenAsync(Uri, Sample);
        for (int version = 2; version <= 6; version++)
        {
            await client.ChangeAsync(Uri, version, new Lsp.TextDocumentContentChangeEvent(Sample + new string(' ', version)));
        }
        var last = await client.DiagnosticsAsync(Uri, 6);
        Assert.Empty(last.Diagnostics);
        await Task.Delay(400);
        Assert.DoesNotContain(client.DrainDiagnostics(), p => p.Version is >= 1 and < 6);
    }

    [Fact]
    public async Task Typing_leaves_nothing_behind_once_the_diagnostics_are_published()
    {
        // Each diagnostics run holds a cancellation source linked to the server's; one left behind per keystroke
        // grew the server's memory over a long session (found by the 10,000-edit benchmark).
        await using var client = await OpenSampleAsync();
        for (int version = 2; version <= 200; version++)
        {
            await client.ChangeAsync(Uri, version, new Lsp.TextDocumentContentChangeEvent(Sample + new string(' ', version % 3)));
        }
        await client.DiagnosticsAsync(Uri, 200);
        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (client.Server.PendingDiagnostics > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.Equal(0, client.Server.PendingDiagnostics);
    }

    [Fact]
    public async Task Hover_documents_names_clauses_settings_and_options()
    {
        await using var client = await OpenSampleAsync();
        var responses = new JsonObject();
        async Task Hover(string label, Lsp.Position position) =>
            responses[label] = Node(await client.RequestAsync("textDocument/hover", LspTestClient.At(Uri, position)));

        await Hover("input quality_score (a use)", Of(Sample, "quality_score", 3, 3));
        await Hover("column inpatient (its declaration)", Of(Sample, "inpatient"));
        await Hover("constant value base_rate", Of(Sample, "base_rate", 2));
        await Hover("value computed by a clause: benchmark", Of(Sample, "of benchmark", shift: 5));
        await Hover("measure name diabetes_control (a use)", Of(Sample, "diabetes_control", 2));
        await Hover("clause header shared savings", Of(Sample, "shared savings {", shift: 2));
        await Hover("setting key minimum savings rate", Of(Sample, "minimum savings rate", shift: 4));
        await Hover("option word first dollar", Of(Sample, "first dollar", shift: 2));
        await Hover("type word in data", Of(Sample, "flag"));
        await Hover("nothing: a comment", Of(Sample, "A contract the language"));
        VerifyGolden("hover", responses);

        // A function's hover (in a text that calls one).
        string withCall = Sample.Replace("rate: scaled_rate * diabetes_control", "rate: min(scaled_rate, 50%) * diabetes_control");
        await client.ChangeAsync(Uri, 2, new Lsp.TextDocumentContentChangeEvent(withCall));
        var function = await client.RequestAsync("textDocument/hover", LspTestClient.At(Uri, Of(withCall, "min(", shift: 1)));
        Assert.StartsWith("**min**(a, b, ...)", function.GetProperty("contents").GetProperty("value").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_offers_what_is_valid_at_the_position()
    {
        string text = Sample
            .Replace("  cap: 20% of benchmark\n}", "  cap: 20% of benchmark\n  \n}")
            .Replace("  outpatient: money\n  hba1c_num", "  outpatient: money\n  pharmacy: \n  hba1c_num");
        await using var client = await OpenSampleAsync(text);
        await client.DiagnosticsAsync(Uri, 1);
        var responses = new JsonObject();
        async Task Complete(string label, Lsp.Position position)
        {
            var list = await client.RequestAsync("textDocument/completion", LspTestClient.At(Uri, position));
            // Labels and details only: the documentation is the hover text, checked there.
            responses[label] = new JsonArray(list.GetProperty("items").EnumerateArray()
                .Select(i => (JsonNode)JsonValue.Create($"{i.GetProperty("label").GetString()} | {(i.TryGetProperty("detail", out var d) ? d.GetString() : "")}")!).ToArray());
        }

        await Complete("top level, a new line at the end", End(text));
        await Complete("inside shared savings, an empty line", Of(text, "  \n}", shift: 2));
        await Complete("after 'sharing:'", Of(text, "sharing: ", shift: "sharing: ".Length));
        await Complete("after 'rate:' (names and functions)", Of(text, "rate: scaled_rate", shift: "rate: ".Length));
        await Complete("after 'categories:' (columns only)", Of(text, "categories: ", shift: "categories: ".Length));
        await Complete("a type in data", Of(text, "pharmacy: ", shift: "pharmacy: ".Length));
        await Complete("inside quality (settings and measure)", Of(text, "  measure diabetes_control"));
        await Complete("inside a comment: nothing", Of(text, "scored by", shift: 3));
        VerifyGolden("completion", responses);
    }

    [Fact]
    public async Task Definition_references_and_rename_follow_the_binder()
    {
        await using var client = await OpenSampleAsync();
        var responses = new JsonObject();
        var scaledUse = Of(Sample, "scaled_rate", 2, 2);
        responses["definition of scaled_rate"] = Node(await client.RequestAsync("textDocument/definition", LspTestClient.At(Uri, scaledUse)));
        responses["definition of a measure"] = Node(await client.RequestAsync("textDocument/definition", LspTestClient.At(Uri, Of(Sample, "diabetes_control", 2))));
        responses["definition of benchmark (the clause)"] = Node(await client.RequestAsync("textDocument/definition", LspTestClient.At(Uri, Of(Sample, "of benchmark", shift: 4))));
        responses["references of quality_score"] = Node(await client.RequestAsync("textDocument/references",
            new { textDocument = new { uri = Uri }, position = Of(Sample, "quality_score", 2), context = new { includeDeclaration = true } }));
        responses["references of inpatient, without the declaration"] = Node(await client.RequestAsync("textDocument/references",
            new { textDocument = new { uri = Uri }, position = Of(Sample, "inpatient"), context = new { includeDeclaration = false } }));
        responses["prepareRename base_rate"] = Node(await client.RequestAsync("textDocument/prepareRename", LspTestClient.At(Uri, Of(Sample, "base_rate", 2))));
        responses["prepareRename benchmark (not renamable)"] = Node(await client.RequestAsync("textDocument/prepareRename", LspTestClient.At(Uri, Of(Sample, "of benchmark", shift: 4))));
        var rename = await client.RequestAsync("textDocument/rename", new { textDocument = new { uri = Uri }, position = Of(Sample, "base_rate"), newName = "base_share" });
        responses["rename base_rate to base_share"] = Node(rename);
        responses["rename diabetes_control to hba1c_control"] = Node(await client.RequestAsync("textDocument/rename",
            new { textDocument = new { uri = Uri }, position = Of(Sample, "diabetes_control", 2), newName = "hba1c_control" }));
        VerifyGolden("navigation", responses);

        // The rename's edits leave a contract that binds without errors and no longer mentions the old name.
        string renamed = Apply(Sample, rename.GetProperty("changes").GetProperty(Uri).Deserialize<Lsp.TextEdit[]>(Lsp.ProtocolJson.Options)!);
        Assert.DoesNotContain("base_rate", renamed, StringComparison.Ordinal);
        Assert.Empty(Binder.Bind(ContractParser.Parse(renamed)).Diagnostics);
    }

    [Fact]
    public async Task Completion_inside_a_table_offers_values_not_settings()
    {
        string text = File.ReadAllText(Golden.PathOf("contracts", "mssp-basic-a.vbc")).Replace("\r\n", "\n");
        await using var client = await OpenSampleAsync(text);
        async Task<string[]> Labels(Lsp.Position p) => (await client.RequestAsync("textDocument/completion", LspTestClient.At(Uri, p)))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("label").GetString()!).ToArray();

        // At the start of a row: a row's key is written by hand (not a setting of shared savings).
        Assert.Empty(await Labels(Of(text, "    6,000 to 6,999")));
        // After a row's colon: values.
        Assert.Contains("assigned_beneficiaries", await Labels(Of(text, "3.6% to 3.4%")));
        // After the table's closing brace, the clause's settings again.
        var after = await Labels(Of(text, "  sharing: first dollar"));
        Assert.Contains("sequestration", after);
    }

    [Fact]
    public async Task Renaming_an_input_renames_it_in_the_header_command_too()
    {
        await using var client = await OpenSampleAsync();
        var rename = await client.RequestAsync("textDocument/rename", new { textDocument = new { uri = Uri }, position = Of(Sample, "quality_score: percent"), newName = "quality" });
        string renamed = Apply(Sample, rename.GetProperty("changes").GetProperty(Uri).Deserialize<Lsp.TextEdit[]>(Lsp.ProtocolJson.Options)!);
        Assert.Contains("--input quality=90%", renamed, StringComparison.Ordinal);
        Assert.DoesNotContain("quality_score", renamed, StringComparison.Ordinal);
        Assert.Empty(Binder.Bind(ContractParser.Parse(renamed)).Diagnostics);
    }

    [Theory]
    [InlineData("base_share", null)]
    [InlineData("Quality_Score", "already used in this contract, as the input 'quality_score'")]
    [InlineData("2nd_rate", "not a valid name")]
    [InlineData("min", "the name of a function")]
    public async Task Rename_refuses_a_name_that_would_break_the_contract(string newName, string? refusal)
    {
        await using var client = await OpenSampleAsync();
        var request = client.RequestAsync("textDocument/rename", new { textDocument = new { uri = Uri }, position = Of(Sample, "base_rate"), newName });
        if (refusal is null)
        {
            await request;
            return;
        }
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => request);
        Assert.Contains(refusal, error.Message, StringComparison.Ordinal);
        Assert.Equal(-32803, error.ErrorCode);
    }

    [Fact]
    public async Task Outline_and_folding_of_the_sample()
    {
        await using var client = await OpenSampleAsync();
        var doc = new { textDocument = new { uri = Uri } };
        VerifyGolden("outline", new JsonObject
        {
            ["documentSymbol"] = Node(await client.RequestAsync("textDocument/documentSymbol", doc)),
            ["foldingRange"] = Node(await client.RequestAsync("textDocument/foldingRange", doc)),
        });
    }

    [Fact]
    public async Task Formatting_gives_the_text_of_vbc_fmt_and_nothing_for_a_text_with_syntax_errors()
    {
        string messy = Sample.Replace("  trend: 2%", "      trend:2%").Replace("cost {\n", "cost   {\n\n\n");
        await using var client = await OpenSampleAsync(messy);
        var edits = (await client.RequestAsync("textDocument/formatting", new { textDocument = new { uri = Uri }, options = new { tabSize = 2, insertSpaces = true } }))
            .Deserialize<Lsp.TextEdit[]>(Lsp.ProtocolJson.Options)!;
        Assert.Single(edits);
        Assert.Equal(ContractFormatter.Format(ContractParser.Parse(messy)), Apply(messy, edits));
        Assert.Equal(Sample, Apply(messy, edits));

        await client.ChangeAsync(Uri, 2, new Lsp.TextDocumentContentChangeEvent(Sample.Replace("trend: 2%", "trend: 2% +")));
        var none = await client.RequestAsync("textDocument/formatting", new { textDocument = new { uri = Uri } });
        Assert.Equal(0, none.GetArrayLength());
    }

    [Fact]
    public async Task Code_actions_apply_a_suggestion_and_add_a_missing_required_setting()
    {
        string text = Sample
            .Replace("rate: scaled_rate * diabetes_control", "rate: scaled_rat * diabetes_control")
            .Replace("sharing: first dollar", "sharing: frist dollar")
            .Replace("    denominator: hba1c_den\n", "");
        await using var client = await OpenSampleAsync(text);
        var published = await client.DiagnosticsAsync(Uri, 1);
        Assert.Equal(3, published.Diagnostics.Length);

        var responses = new JsonObject();
        var fixes = new List<Lsp.TextEdit>();
        foreach (var diagnostic in published.Diagnostics)
        {
            var actions = await client.RequestAsync("textDocument/codeAction",
                new { textDocument = new { uri = Uri }, range = diagnostic.Range, context = new { diagnostics = new[] { diagnostic } } });
            responses[$"{diagnostic.Code} at {diagnostic.Range.Start.Line}:{diagnostic.Range.Start.Character}"] = Node(actions);
            var first = actions.EnumerateArray().First();
            fixes.AddRange(first.GetProperty("edit").GetProperty("changes").GetProperty(Uri).Deserialize<Lsp.TextEdit[]>(Lsp.ProtocolJson.Options)!);
        }
        VerifyGolden("code-actions", responses);

        // All three fixes together give a contract without diagnostics.
        string fixedText = Apply(text, fixes.ToArray());
        Assert.Empty(Binder.Bind(ContractParser.Parse(fixedText)).Diagnostics);
    }

    [Fact]
    public async Task A_failing_request_is_answered_with_an_error_and_the_server_keeps_serving()
    {
        await using var client = await OpenSampleAsync();
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() =>
            client.RequestAsync("textDocument/hover", LspTestClient.At("file:///not/open.vbc", new Lsp.Position(0, 0))));
        Assert.Contains("not open", error.Message, StringComparison.Ordinal);
        // The log notification may follow the error response: wait for it.
        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (!client.Log.Any(m => m.Type == Lsp.MessageType.Error && m.Message.Contains("not open", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Contains(client.Log, m => m.Type == Lsp.MessageType.Error && m.Message.Contains("not open", StringComparison.Ordinal));

        var hover = await client.RequestAsync("textDocument/hover", LspTestClient.At(Uri, Of(Sample, "quality_score: percent")));
        Assert.Equal(JsonValueKind.Object, hover.ValueKind);
        await Assert.ThrowsAsync<RemoteMethodNotFoundException>(() => client.RequestAsync("vbc/noSuchMethod", new { }));
        Assert.Equal(JsonValueKind.Object, (await client.RequestAsync("textDocument/hover", LspTestClient.At(Uri, Of(Sample, "quality_score: percent")))).ValueKind);
    }

    [Fact]
    public async Task Notifications_the_server_does_not_handle_are_ignored()
    {
        await using var client = await OpenSampleAsync();
        await client.NotifyAsync("workspace/didChangeConfiguration", new { settings = new { vbc = new { path = "vbc" } } });
        await client.NotifyAsync("$/setTrace", new { value = "verbose" });
        await client.NotifyAsync("vbc/somethingNew", new { });
        var hover = await client.RequestAsync("textDocument/hover", LspTestClient.At(Uri, Of(Sample, "quality_score: percent")));
        Assert.Equal(JsonValueKind.Object, hover.ValueKind);
    }

    [Fact]
    public async Task Shutdown_then_exit_ends_the_server_with_exit_code_0()
    {
        var client = await OpenSampleAsync();
        await client.RequestAsync("shutdown", new { });
        await client.NotifyAsync("exit", new { });
        // The server must end by itself (a timeout here fails the test).
        await client.Server.Completion.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(LspTestClient.Timeout);
        Assert.Equal(0, client.Server.ExitCode);
        await client.DisposeAsync();
    }

    /// <summary>Applies LSP edits to a text (from the last to the first, so positions stay valid).</summary>
    internal static string Apply(string text, IEnumerable<Lsp.TextEdit> edits)
    {
        var source = Text.SourceText.From(text);
        foreach (var edit in edits.OrderByDescending(e => source.GetOffset(e.Range.Start.Line + 1, e.Range.Start.Character + 1)))
        {
            int start = source.GetOffset(edit.Range.Start.Line + 1, edit.Range.Start.Character + 1);
            int end = source.GetOffset(edit.Range.End.Line + 1, edit.Range.End.Character + 1);
            text = text[..start] + edit.NewText + text[end..];
        }
        return text;
    }
}
