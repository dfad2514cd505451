using System.Text.Json;
using System.Threading.Channels;
using Nerdbank.Streams;
using StreamJsonRpc;
using Vbc.LanguageServer;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.Tests.LanguageServer;

/// <summary>
/// A language client in the test process, joined to a <see cref="VbcLanguageServer"/> by an in-memory duplex stream
/// (the server reads and writes the same framed JSON-RPC as over stdio). Responses are kept as raw JSON, as they
/// crossed the wire, so golden files show exactly what an editor receives. Every wait has a timeout.
/// </summary>
public sealed class LspTestClient : IAsyncDisposable
{
    // A guard against a hang, not a speed check: a cold plug-in compile alone took 30 s on a loaded machine.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly JsonRpc _rpc;
    private readonly Channel<Lsp.PublishDiagnosticsParams> _diagnostics = Channel.CreateUnbounded<Lsp.PublishDiagnosticsParams>();
    private readonly List<Lsp.LogMessageParams> _log = new();

    private LspTestClient(VbcLanguageServer server, Stream stream)
    {
        Server = server;
        var formatter = new SystemTextJsonFormatter();
        Lsp.ProtocolJson.Configure(formatter.JsonSerializerOptions);
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(stream, stream, formatter));
        _rpc.AddLocalRpcTarget(new Notifications(this));
        _rpc.StartListening();
    }

    /// <summary>What the server sends the client unasked.</summary>
    private sealed class Notifications(LspTestClient client)
    {
        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(Lsp.PublishDiagnosticsParams p) => client._diagnostics.Writer.TryWrite(p);

        /// <summary>The server asks the editor to fetch the inlay hints again (live amounts of a new version are ready).</summary>
        [JsonRpcMethod("workspace/inlayHint/refresh")]
        public object? InlayHintRefresh()
        {
            Interlocked.Increment(ref client._refreshes);
            return null;
        }

        [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
        public void LogMessage(Lsp.LogMessageParams p)
        {
            lock (client._log)
            {
                client._log.Add(p);
            }
        }
    }

    public VbcLanguageServer Server { get; }

    private int _refreshes;

    /// <summary>How many times the server asked for the inlay hints to be fetched again.</summary>
    public int InlayHintRefreshes => Volatile.Read(ref _refreshes);

    public IReadOnlyList<Lsp.LogMessageParams> Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToList();
            }
        }
    }

    /// <summary>Starts a server and a client, and initializes the server.</summary>
    public static async Task<LspTestClient> StartAsync(ServerOptions? options = null, string? rootUri = null, object? capabilities = null)
    {
        var (serverStream, clientStream) = FullDuplexStream.CreatePair();
        var server = VbcLanguageServer.Start(serverStream, serverStream, options ?? new ServerOptions { DiagnosticsDelay = TimeSpan.Zero });
        var client = new LspTestClient(server, clientStream);
        await client.RequestAsync("initialize", new { processId = (int?)null, rootUri, capabilities = capabilities ?? new { } });
        await client.NotifyAsync("initialized", new { });
        return client;
    }

    public async Task<JsonElement> RequestAsync(string method, object parameters)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await _rpc.InvokeWithParameterObjectAsync<JsonElement>(method, parameters, timeout.Token);
    }

    public Task NotifyAsync(string method, object parameters) => _rpc.NotifyWithParameterObjectAsync(method, parameters);

    public Task OpenAsync(string uri, string text, int version = 1) =>
        NotifyAsync("textDocument/didOpen", new Lsp.DidOpenTextDocumentParams(new Lsp.TextDocumentItem(uri, "vbc", version, text)));

    public Task ChangeAsync(string uri, int version, params Lsp.TextDocumentContentChangeEvent[] changes) =>
        NotifyAsync("textDocument/didChange", new Lsp.DidChangeTextDocumentParams(new Lsp.VersionedTextDocumentIdentifier(uri, version), changes));

    /// <summary>Waits for the diagnostics of a document's version (earlier publications are skipped).</summary>
    public async Task<Lsp.PublishDiagnosticsParams> DiagnosticsAsync(string uri, int version)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            Lsp.PublishDiagnosticsParams next;
            try
            {
                next = await _diagnostics.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No diagnostics for {uri} version {version} within {Timeout.TotalSeconds} s.");
            }
            if (next.Uri == uri && next.Version == version)
            {
                return next;
            }
        }
    }

    /// <summary>Every publication received so far, without waiting.</summary>
    public List<Lsp.PublishDiagnosticsParams> DrainDiagnostics()
    {
        var list = new List<Lsp.PublishDiagnosticsParams>();
        while (_diagnostics.Reader.TryRead(out var item))
        {
            list.Add(item);
        }
        return list;
    }

    public static object At(string uri, Lsp.Position position) => new { textDocument = new { uri }, position };

    public async ValueTask DisposeAsync()
    {
        _rpc.Dispose();
        Server.Dispose();
        try
        {
            await Server.Completion.WaitAsync(Timeout);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or ConnectionLostException)
        {
        }
    }
}

/// <summary>Positions in test texts, found by the text at them rather than written as numbers.</summary>
public static class TextPositions
{
    /// <summary>The position of the <paramref name="occurrence"/>-th (1-based) <paramref name="find"/>, plus <paramref name="shift"/> characters.</summary>
    public static Lsp.Position Of(string text, string find, int occurrence = 1, int shift = 0)
    {
        int at = -1;
        for (int i = 0; i < occurrence; i++)
        {
            at = text.IndexOf(find, at + 1, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new ArgumentException($"'{find}' occurs fewer than {occurrence} times in the test text.");
            }
        }
        at += shift;
        int line = 0, lineStart = 0;
        for (int i = 0; i < at; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new Lsp.Position(line, at - lineStart);
    }

    /// <summary>The position just after the end of the text.</summary>
    public static Lsp.Position End(string text)
    {
        int line = text.Count(c => c == '\n');
        return new Lsp.Position(line, text.Length - (text.LastIndexOf('\n') + 1));
    }
}
