using System.Collections.Concurrent;
using System.Text;
using Vbc.Clauses;
using Vbc.Plugins;
using Vbc.Text;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer;

/// <summary>
/// The open documents: their text as the editor has it, and the analysis of the latest version, made on demand
/// and kept until the text changes again.
/// </summary>
public sealed class Documents
{
    private readonly ConcurrentDictionary<string, Document> _open = new(StringComparer.Ordinal);
    private readonly ClauseRegistry _registry;
    private readonly PluginOptions _plugins;
    private readonly PluginSession _session = new();

    public Documents(ClauseRegistry registry, PluginOptions? plugins = null)
    {
        _registry = registry;
        _plugins = plugins ?? PluginOptions.Default;
    }

    /// <summary>The plug-ins loaded for the open documents, shared by all of them.</summary>
    public PluginSession Plugins => _session;

    private sealed class Document
    {
        public readonly object Gate = new();
        public string Text = "";
        public int Version;
        public DocumentAnalysis? Analysis;
    }

    public IEnumerable<string> OpenUris => _open.Keys;

    public void Open(string uri, int version, string text)
    {
        var document = _open.GetOrAdd(uri, _ => new Document());
        lock (document.Gate)
        {
            document.Text = text;
            document.Version = version;
            document.Analysis = null;
        }
    }

    /// <summary>Applies the editor's changes in order: each is the whole text, or a range replaced.</summary>
    public void Change(string uri, int version, IReadOnlyList<Lsp.TextDocumentContentChangeEvent> changes)
    {
        if (!_open.TryGetValue(uri, out var document))
        {
            throw new InvalidOperationException($"The document {uri} is not open.");
        }
        lock (document.Gate)
        {
            string text = document.Text;
            foreach (var change in changes)
            {
                if (change.Range is null)
                {
                    text = change.Text;
                    continue;
                }
                var source = SourceText.From(text);
                int start = source.GetOffset(change.Range.Start.Line + 1, change.Range.Start.Character + 1);
                int end = Math.Max(start, source.GetOffset(change.Range.End.Line + 1, change.Range.End.Character + 1));
                text = new StringBuilder(text.Length - (end - start) + change.Text.Length)
                    .Append(text, 0, start).Append(change.Text).Append(text, end, text.Length - end).ToString();
            }
            document.Text = text;
            document.Version = version;
            document.Analysis = null;
        }
    }

    public void Close(string uri) => _open.TryRemove(uri, out _);

    public bool IsOpen(string uri) => _open.ContainsKey(uri);

    /// <summary>The version of the text the editor has now, or null when the document is closed.</summary>
    public int? VersionOf(string uri)
    {
        if (!_open.TryGetValue(uri, out var document))
        {
            return null;
        }
        lock (document.Gate)
        {
            return document.Version;
        }
    }

    /// <summary>The analysis of the document's current text (made now if the text changed since the last one).</summary>
    public DocumentAnalysis Analyze(string uri)
    {
        if (!_open.TryGetValue(uri, out var document))
        {
            throw new InvalidOperationException($"The document {uri} is not open: the editor must send textDocument/didOpen first.");
        }
        lock (document.Gate)
        {
            return document.Analysis ??= DocumentAnalysis.Analyze(uri, document.Version, document.Text, _registry, _plugins, _session);
        }
    }

    /// <summary>The file path of a document URI (file://...), or the URI itself for other schemes.</summary>
    public static string PathOf(string uri) =>
        System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? parsed.LocalPath : uri;
}
