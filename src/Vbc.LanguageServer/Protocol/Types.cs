using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vbc.LanguageServer.Protocol;

// The Language Server Protocol types this server uses, and only those (LSP 3.17). The LSP type libraries are not
// available here; these records serialise with camelCase names and leave out null members, as the protocol expects.
// Positions are 0-based lines and UTF-16 code units, the same unit as our spans.

public sealed record Position(int Line, int Character);

public sealed record Range(Position Start, Position End);

public sealed record Location(string Uri, Range Range);

public sealed record TextDocumentIdentifier(string Uri);

public sealed record VersionedTextDocumentIdentifier(string Uri, int Version);

public sealed record TextDocumentItem(string Uri, string LanguageId, int Version, string Text);

/// <summary>A change: the whole text (no range) or a replacement of a range.</summary>
public sealed record TextDocumentContentChangeEvent(string Text, Range? Range = null);

public sealed record DidOpenTextDocumentParams(TextDocumentItem TextDocument);

public sealed record DidChangeTextDocumentParams(VersionedTextDocumentIdentifier TextDocument, TextDocumentContentChangeEvent[] ContentChanges);

public sealed record DidCloseTextDocumentParams(TextDocumentIdentifier TextDocument);

public sealed record DidSaveTextDocumentParams(TextDocumentIdentifier TextDocument);

public record TextDocumentPositionParams(TextDocumentIdentifier TextDocument, Position Position);

public sealed record ReferenceContext(bool IncludeDeclaration);

public sealed record ReferenceParams(TextDocumentIdentifier TextDocument, Position Position, ReferenceContext? Context)
    : TextDocumentPositionParams(TextDocument, Position);

public sealed record RenameParams(TextDocumentIdentifier TextDocument, Position Position, string NewName)
    : TextDocumentPositionParams(TextDocument, Position);

public sealed record PrepareRenameResult(Range Range, string Placeholder);

public sealed record DocumentParams(TextDocumentIdentifier TextDocument);

public sealed record FormattingOptions(int TabSize, bool InsertSpaces);

public sealed record DocumentFormattingParams(TextDocumentIdentifier TextDocument, FormattingOptions? Options);

public static class DiagnosticSeverity
{
    public const int Error = 1;
    public const int Warning = 2;
    public const int Information = 3;
}

public sealed record Diagnostic(Range Range, int Severity, string Code, string Source, string Message);

public sealed record PublishDiagnosticsParams(string Uri, int? Version, Diagnostic[] Diagnostics);

public sealed record CodeActionContext(Diagnostic[] Diagnostics, string[]? Only = null);

public sealed record CodeActionParams(TextDocumentIdentifier TextDocument, Range Range, CodeActionContext Context);

public sealed record TextEdit(Range Range, string NewText);

public sealed record WorkspaceEdit(Dictionary<string, TextEdit[]> Changes);

public sealed record CodeAction(string Title, string Kind, Diagnostic[]? Diagnostics, WorkspaceEdit Edit, bool? IsPreferred = null);

public sealed record MarkupContent(string Kind, string Value)
{
    public static MarkupContent Markdown(string value) => new("markdown", value);
}

public sealed record Hover(MarkupContent Contents, Range? Range);

public static class CompletionItemKind
{
    public const int Text = 1;
    public const int Function = 3;
    public const int Field = 5;
    public const int Variable = 6;
    public const int Class = 7;
    public const int Property = 10;
    public const int Value = 12;
    public const int Keyword = 14;
    public const int Constant = 21;
    public const int TypeParameter = 25;
}

public sealed record CompletionItem(
    string Label,
    int Kind,
    string? Detail = null,
    MarkupContent? Documentation = null,
    string? InsertText = null,
    string? SortText = null);

public sealed record CompletionList(bool IsIncomplete, CompletionItem[] Items);

public static class SymbolKind
{
    public const int Module = 2;
    public const int Namespace = 3;
    public const int Class = 5;
    public const int Property = 7;
    public const int Field = 8;
    public const int Variable = 13;
    public const int Constant = 14;
    public const int Object = 19;
}

public sealed record DocumentSymbol(string Name, string? Detail, int Kind, Range Range, Range SelectionRange, DocumentSymbol[]? Children);

public sealed record FoldingRange(int StartLine, int EndLine, string? Kind = null);

public sealed record InlayHintParams(TextDocumentIdentifier TextDocument, Range Range);

public sealed record InlayHint(Position Position, string Label, bool? PaddingLeft = null, MarkupContent? Tooltip = null);

public sealed record LogMessageParams(int Type, string Message);

public sealed record ServerInfo(string Name, string Version);

public sealed record InitializeParams(int? ProcessId, string? RootUri, JsonElement? Capabilities, JsonElement? InitializationOptions);

public sealed record InitializeResult(ServerCapabilities Capabilities, ServerInfo ServerInfo);

public sealed record TextDocumentSyncOptions(bool OpenClose, int Change, bool? Save = null);

public sealed record CompletionOptions(string[] TriggerCharacters, bool ResolveProvider = false);

public sealed record RenameOptions(bool PrepareProvider);

public sealed record CodeActionOptions(string[] CodeActionKinds);

public sealed record ServerCapabilities(
    TextDocumentSyncOptions TextDocumentSync,
    bool HoverProvider,
    CompletionOptions CompletionProvider,
    bool DefinitionProvider,
    bool ReferencesProvider,
    RenameOptions RenameProvider,
    bool DocumentSymbolProvider,
    bool FoldingRangeProvider,
    bool DocumentFormattingProvider,
    CodeActionOptions CodeActionProvider,
    bool InlayHintProvider);

/// <summary>The serializer settings of the wire format.</summary>
public static class ProtocolJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.PropertyNameCaseInsensitive = true;
        return options;
    }
}

public static class MessageType
{
    public const int Error = 1;
    public const int Warning = 2;
    public const int Info = 3;
}
