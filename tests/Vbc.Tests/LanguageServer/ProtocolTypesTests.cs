using System.Text.Json;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.Tests.LanguageServer;

/// <summary>Our LSP types read what editors send (extra fields included) and write what the protocol expects.</summary>
public sealed class ProtocolTypesTests
{
    [Fact]
    public void A_change_as_editors_send_it_is_read_with_its_range()
    {
        const string json = """
            {"textDocument":{"uri":"file:///a.vbc","version":7},
             "contentChanges":[{"range":{"start":{"line":2,"character":4},"end":{"line":2,"character":6}},"rangeLength":2,"text":"40"},{"text":"whole"}]}
            """;
        var change = JsonSerializer.Deserialize<Lsp.DidChangeTextDocumentParams>(json, Lsp.ProtocolJson.Options)!;
        Assert.Equal(7, change.TextDocument.Version);
        Assert.Equal(new Lsp.Range(new(2, 4), new(2, 6)), change.ContentChanges[0].Range);
        Assert.Equal("40", change.ContentChanges[0].Text);
        Assert.Null(change.ContentChanges[1].Range);
    }

    [Fact]
    public void Initialize_keeps_the_client_capabilities_it_does_not_model()
    {
        const string json = """{"processId":42,"rootUri":"file:///w","capabilities":{"workspace":{"inlayHint":{"refreshSupport":true}}},"trace":"off","clientInfo":{"name":"Neovim"}}""";
        var p = JsonSerializer.Deserialize<Lsp.InitializeParams>(json, Lsp.ProtocolJson.Options)!;
        Assert.Equal(42, p.ProcessId);
        Assert.True(p.Capabilities!.Value.GetProperty("workspace").GetProperty("inlayHint").GetProperty("refreshSupport").GetBoolean());
    }

    [Fact]
    public void Responses_use_camel_case_and_leave_out_absent_members()
    {
        var hover = new Lsp.Hover(Lsp.MarkupContent.Markdown("**x**"), null);
        Assert.Equal("""{"contents":{"kind":"markdown","value":"**x**"}}""", JsonSerializer.Serialize(hover, Lsp.ProtocolJson.Options));
        var diagnostic = new Lsp.Diagnostic(new(new(0, 1), new(0, 3)), Lsp.DiagnosticSeverity.Warning, "VBC2030", "vbc", "m");
        Assert.Equal("""{"range":{"start":{"line":0,"character":1},"end":{"line":0,"character":3}},"severity":2,"code":"VBC2030","source":"vbc","message":"m"}""",
            JsonSerializer.Serialize(diagnostic, Lsp.ProtocolJson.Options));
        var edit = new Lsp.WorkspaceEdit(new Dictionary<string, Lsp.TextEdit[]> { ["file:///A.vbc"] = Array.Empty<Lsp.TextEdit>() });
        Assert.Equal("""{"changes":{"file:///A.vbc":[]}}""", JsonSerializer.Serialize(edit, Lsp.ProtocolJson.Options));
    }
}
