using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.VisualStudio.Threading;
using StreamJsonRpc;
using Vbc.Clauses;
using Vbc.LanguageServer.Features;
using Vbc.Plugins;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer;

/// <summary>How the server behaves; tests shorten the debounce delay.</summary>
public sealed record ServerOptions
{
    /// <summary>How long the text must be still before diagnostics are published (typing is not interrupted by each key).</summary>
    public TimeSpan DiagnosticsDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The clause kinds contracts may use: the built-in ones, and script kinds when registered.</summary>
    public ClauseRegistry Registry { get; init; } = ClauseRegistry.Default;

    /// <summary>Where a contract's plug-in scripts and compiled plug-ins are found (vbc lsp --plugins, --plugin-cache).</summary>
    public PluginOptions Plugins { get; init; } = PluginOptions.Default;

    /// <summary>Where the server writes its log besides the client's window/logMessage (stderr for vbc lsp).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>The editor's process: when it ends, the server ends too (--clientProcessId).</summary>
    public int? ClientProcessId { get; init; }

    /// <summary>Settle contracts in the background and show their amounts inline (inlay hints).</summary>
    public bool LiveAmounts { get; init; } = true;
}

/// <summary>
/// <c>vbc lsp</c>: a Language Server Protocol server over a pair of streams (stdio in use, in-memory pipes in tests).
/// Each request is answered from Core's analysis of the document's current text. A request that fails is answered
/// with an error and logged; the server keeps running.
/// StreamJsonRpc binds the protocol's methods and serializes its messages by reflection: the server runs on the .NET
/// runtime only, and the native vbc hands <c>vbc lsp</c> over to its managed copy (Vbc.Hosting.ManagedRuntime).
/// </summary>
[RequiresDynamicCode("StreamJsonRpc binds the server's methods and serializes messages by reflection.")]
[RequiresUnreferencedCode("StreamJsonRpc binds the server's methods and serializes messages by reflection.")]
public sealed class VbcLanguageServer : IDisposable
{
    /// <summary>JSON-RPC's InternalError code, for a request a defect in vbc kept from being answered.</summary>
    public const int InternalErrorCode = -32603;

    private readonly JsonRpc _rpc;
    private readonly ServerOptions _options;
    private readonly Documents _documents;
    private readonly Dictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Version, Task<LiveAmounts.Result?> Settling)> _live = new(StringComparer.Ordinal);
    private string? _workspaceRoot;
    private bool _clientRefreshesInlayHints;

    private VbcLanguageServer(Stream input, Stream output, ServerOptions options)
    {
        _options = options;
        _documents = new Documents(options.Registry, options.Plugins);
        var formatter = new SystemTextJsonFormatter();
        Lsp.ProtocolJson.Configure(formatter.JsonSerializerOptions);
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(output, input, formatter))
        {
            // Notifications and requests are handled one at a time, in the order sent: a change is never seen
            // before the open it follows, nor a request before the change typed ahead of it.
            SynchronizationContext = new NonConcurrentSynchronizationContext(sticky: false),
        };
        _rpc.AddLocalRpcTarget(new Target(this), new JsonRpcTargetOptions { DisposeOnDisconnect = false });
    }

    public Documents Documents => _documents;

    /// <summary>Diagnostics runs scheduled and not yet finished (each holds a cancellation source until it ends).</summary>
    internal int PendingDiagnostics
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Runs a server until the client sends <c>exit</c>, the streams close, or the client process ends.</summary>
    public static async Task<int> RunAsync(Stream input, Stream output, ServerOptions options, CancellationToken cancellation = default)
    {
        using var server = Start(input, output, options);
        using var registration = cancellation.Register(server.Dispose);
        try
        {
            // Stopped, not only Completion: after exit, JsonRpc waits for its read of stdin, which cannot be interrupted.
            await Task.WhenAny(server.Completion, server.Stopped).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
        return server.ExitCode;
    }

    /// <summary>Starts a server on the streams and returns at once (tests keep the object to inspect it).</summary>
    public static VbcLanguageServer Start(Stream input, Stream output, ServerOptions options)
    {
        var server = new VbcLanguageServer(input, output, options);
        server._rpc.StartListening();
        if (options.ClientProcessId is { } pid)
        {
            server.WatchClient(pid);
        }
        return server;
    }

    public Task Completion => _rpc.Completion;

    /// <summary>0 after shutdown then exit, 1 after an exit without shutdown (as the protocol says).</summary>
    public int ExitCode { get; private set; }

    private bool _shutdownRequested;

    /// <summary>Completes when the server is told to stop (exit, the editor gone, or disposed).</summary>
    public Task Stopped => _stopped.Task;

    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _stopping.Cancel();
        _stopped.TrySetResult();
        // JsonRpc's Dispose waits for its reader, and a read of stdin cannot be interrupted: never block on it.
        _ = Task.Run(_rpc.Dispose);
    }

    private void WatchClient(int pid)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                await process.WaitForExitAsync(_stopping.Token).ConfigureAwait(false);
                Log(Lsp.MessageType.Info, $"The editor's process {pid} ended: stopping.");
                Dispose();
            }
            catch (ArgumentException)
            {
                Log(Lsp.MessageType.Info, $"The editor's process {pid} is not running: stopping.");
                Dispose();
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    internal void Log(int type, string message)
    {
        _options.Log?.WriteLine($"vbc lsp: {message}");
        if (!_stopping.IsCancellationRequested)
        {
            _ = NotifyAsync("window/logMessage", new Lsp.LogMessageParams(type, message));
        }
    }

    private async Task NotifyAsync(string method, object argument)
    {
        try
        {
            await _rpc.NotifyWithParameterObjectAsync(method, argument).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or ConnectionLostException or OperationCanceledException)
        {
            // The client has gone: nothing left to tell it.
        }
    }

    /// <summary>
    /// Answers a request from the analysis of the current text. A defect in a feature is answered with an
    /// error (InternalError) and logged with its stack, and the server goes on serving.
    /// </summary>
    private T Answer<T>(string method, string uri, Func<DocumentAnalysis, T> feature)
    {
        try
        {
            return feature(_documents.Analyze(uri));
        }
        catch (LocalRpcException)
        {
            throw;
        }
        catch (Exception e)
        {
            Log(Lsp.MessageType.Error, $"{method} failed for {uri}: {e}");
            throw new LocalRpcException($"vbc could not answer {method}: {e.Message}") { ErrorCode = InternalErrorCode };
        }
    }

    /// <summary>Publishes diagnostics once the text has been still for the debounce delay; a newer change cancels it.</summary>
    private void ScheduleDiagnostics(string uri)
    {
        CancellationTokenSource next;
        lock (_gate)
        {
            if (_pending.TryGetValue(uri, out var previous))
            {
                previous.Cancel();
            }
            _pending[uri] = next = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        }
        var token = next.Token;
        // A linked source stays registered with _stopping until disposed: dispose each when its run ends, or every
        // keystroke would leave one behind.
        void Done()
        {
            lock (_gate)
            {
                if (_pending.TryGetValue(uri, out var current) && current == next)
                {
                    _pending.Remove(uri);
                }
            }
            next.Dispose();
        }
        _ = Task.Run(async () =>
        {
            try
            {
                if (_options.DiagnosticsDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_options.DiagnosticsDelay, token).ConfigureAwait(false);
                }
                token.ThrowIfCancellationRequested();
                var analysis = _documents.Analyze(uri);
                token.ThrowIfCancellationRequested();
                await NotifyAsync("textDocument/publishDiagnostics",
                    new Lsp.PublishDiagnosticsParams(uri, analysis.Version, DiagnosticMapper.ToLsp(analysis))).ConfigureAwait(false);
                if (_options.LiveAmounts && await SettleAsync(analysis).ConfigureAwait(false) is not null && _clientRefreshesInlayHints)
                {
                    // The amounts of this version are ready: the editor asks for the hints again.
                    await _rpc.InvokeAsync("workspace/inlayHint/refresh").ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (InvalidOperationException) when (!_documents.IsOpen(uri))
            {
                // Closed while waiting.
            }
            catch (Exception e)
            {
                Log(Lsp.MessageType.Error, $"diagnostics failed for {uri}: {e}");
            }
            finally
            {
                Done();
            }
        });
    }

    /// <summary>
    /// The live settlement of an analysed version, made once per version in the background. One settlement runs at a
    /// time per document: a version typed while one runs waits for it, and is skipped (null) if the user has typed
    /// on meanwhile, so typing fast over large data never piles settlements up. Null also when there is no scenario.
    /// </summary>
    private Task<LiveAmounts.Result?> SettleAsync(DocumentAnalysis analysis)
    {
        Task previous = Task.CompletedTask;
        lock (_gate)
        {
            if (_live.TryGetValue(analysis.Uri, out var known))
            {
                if (known.Version == analysis.Version)
                {
                    return known.Settling;
                }
                previous = known.Settling;
            }
            var settling = previous.ContinueWith(_ => Settle(analysis), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            _live[analysis.Uri] = (analysis.Version, settling);
            return settling;
        }
    }

    private LiveAmounts.Result? Settle(DocumentAnalysis analysis)
    {
        if (_documents.VersionOf(analysis.Uri) != analysis.Version || _stopping.IsCancellationRequested)
        {
            return null; // the text has changed since: settle the newest version instead
        }
        try
        {
            return LiveAmounts.FindScenario(analysis, _workspaceRoot) is { } scenario ? LiveAmounts.Settle(analysis, scenario) : null;
        }
        catch (Exception e)
        {
            Log(Lsp.MessageType.Error, $"live amounts failed for {analysis.Uri}: {e}");
            return new LiveAmounts.Result(analysis.Version, null, "vbc could not settle it (see the log)", TimeSpan.Zero);
        }
    }

    /// <summary>The live result of this very version, if it is ready (hover never waits for a settlement).</summary>
    private LiveAmounts.Result? LiveIfReady(DocumentAnalysis analysis) =>
        _live.TryGetValue(analysis.Uri, out var known) && known.Version == analysis.Version && known.Settling.IsCompletedSuccessfully
            ? known.Settling.Result
            : null;

    /// <summary>The methods the client calls, by their protocol names.</summary>
    private sealed class Target
    {
        private readonly VbcLanguageServer _server;

        public Target(VbcLanguageServer server)
        {
            _server = server;
        }

        [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
        public Lsp.InitializeResult Initialize(Lsp.InitializeParams parameters)
        {
            if (parameters.ProcessId is { } pid && _server._options.ClientProcessId is null)
            {
                _server.WatchClient(pid);
            }
            _server._workspaceRoot = parameters.RootUri is { } root ? Documents.PathOf(root) : null;
            _server._clientRefreshesInlayHints = parameters.Capabilities is { ValueKind: System.Text.Json.JsonValueKind.Object } caps
                && caps.TryGetProperty("workspace", out var workspace) && workspace.ValueKind == System.Text.Json.JsonValueKind.Object
                && workspace.TryGetProperty("inlayHint", out var inlay) && inlay.ValueKind == System.Text.Json.JsonValueKind.Object
                && inlay.TryGetProperty("refreshSupport", out var refresh) && refresh.ValueKind == System.Text.Json.JsonValueKind.True;
            return new Lsp.InitializeResult(
                new Lsp.ServerCapabilities(
                    TextDocumentSync: new Lsp.TextDocumentSyncOptions(OpenClose: true, Change: 2),
                    HoverProvider: true,
                    CompletionProvider: new Lsp.CompletionOptions(new[] { ":", " " }),
                    DefinitionProvider: true,
                    ReferencesProvider: true,
                    RenameProvider: new Lsp.RenameOptions(PrepareProvider: true),
                    DocumentSymbolProvider: true,
                    FoldingRangeProvider: true,
                    DocumentFormattingProvider: true,
                    CodeActionProvider: new Lsp.CodeActionOptions(new[] { "quickfix" }),
                    InlayHintProvider: _server._options.LiveAmounts),
                new Lsp.ServerInfo("vbc", typeof(VbcLanguageServer).Assembly.GetName().Version?.ToString() ?? "0"));
        }

        [JsonRpcMethod("initialized")]
        public void Initialized()
        {
        }

        [JsonRpcMethod("shutdown")]
        public object? Shutdown()
        {
            _server._shutdownRequested = true;
            return null;
        }

        [JsonRpcMethod("exit")]
        public void Exit()
        {
            _server.ExitCode = _server._shutdownRequested ? 0 : 1;
            _ = Task.Run(_server.Dispose);
        }

        [JsonRpcMethod("textDocument/didOpen", UseSingleObjectParameterDeserialization = true)]
        public void DidOpen(Lsp.DidOpenTextDocumentParams p)
        {
            _server._documents.Open(p.TextDocument.Uri, p.TextDocument.Version, p.TextDocument.Text);
            _server.ScheduleDiagnostics(p.TextDocument.Uri);
        }

        [JsonRpcMethod("textDocument/didChange", UseSingleObjectParameterDeserialization = true)]
        public void DidChange(Lsp.DidChangeTextDocumentParams p)
        {
            try
            {
                _server._documents.Change(p.TextDocument.Uri, p.TextDocument.Version, p.ContentChanges);
            }
            catch (InvalidOperationException e)
            {
                _server.Log(Lsp.MessageType.Error, e.Message);
                return;
            }
            _server.ScheduleDiagnostics(p.TextDocument.Uri);
        }

        [JsonRpcMethod("textDocument/didClose", UseSingleObjectParameterDeserialization = true)]
        public void DidClose(Lsp.DidCloseTextDocumentParams p)
        {
            _server._documents.Close(p.TextDocument.Uri);
            _ = _server.NotifyAsync("textDocument/publishDiagnostics", new Lsp.PublishDiagnosticsParams(p.TextDocument.Uri, null, Array.Empty<Lsp.Diagnostic>()));
        }

        [JsonRpcMethod("textDocument/didSave", UseSingleObjectParameterDeserialization = true)]
        public void DidSave(Lsp.DidSaveTextDocumentParams p)
        {
        }

        [JsonRpcMethod("textDocument/hover", UseSingleObjectParameterDeserialization = true)]
        public Lsp.Hover? Hover(Lsp.TextDocumentPositionParams p) =>
            _server.Answer("textDocument/hover", p.TextDocument.Uri, a => HoverProvider.Hover(a, p.Position, _server.LiveIfReady(a)));

        [JsonRpcMethod("textDocument/completion", UseSingleObjectParameterDeserialization = true)]
        public Lsp.CompletionList Completion(Lsp.TextDocumentPositionParams p) =>
            _server.Answer("textDocument/completion", p.TextDocument.Uri, a => CompletionProvider.Complete(a, p.Position));

        [JsonRpcMethod("textDocument/definition", UseSingleObjectParameterDeserialization = true)]
        public Lsp.Location[] Definition(Lsp.TextDocumentPositionParams p) =>
            _server.Answer("textDocument/definition", p.TextDocument.Uri, a => NavigationProvider.Definition(a, p.Position));

        [JsonRpcMethod("textDocument/references", UseSingleObjectParameterDeserialization = true)]
        public Lsp.Location[] References(Lsp.ReferenceParams p) =>
            _server.Answer("textDocument/references", p.TextDocument.Uri, a => NavigationProvider.References(a, p.Position, p.Context?.IncludeDeclaration ?? true));

        [JsonRpcMethod("textDocument/prepareRename", UseSingleObjectParameterDeserialization = true)]
        public Lsp.PrepareRenameResult? PrepareRename(Lsp.TextDocumentPositionParams p) =>
            _server.Answer("textDocument/prepareRename", p.TextDocument.Uri, a => NavigationProvider.PrepareRename(a, p.Position));

        [JsonRpcMethod("textDocument/rename", UseSingleObjectParameterDeserialization = true)]
        public Lsp.WorkspaceEdit Rename(Lsp.RenameParams p) =>
            _server.Answer("textDocument/rename", p.TextDocument.Uri, a => NavigationProvider.Rename(a, p.Position, p.NewName));

        [JsonRpcMethod("textDocument/documentSymbol", UseSingleObjectParameterDeserialization = true)]
        public Lsp.DocumentSymbol[] DocumentSymbol(Lsp.DocumentParams p) =>
            _server.Answer("textDocument/documentSymbol", p.TextDocument.Uri, OutlineProvider.Symbols);

        [JsonRpcMethod("textDocument/foldingRange", UseSingleObjectParameterDeserialization = true)]
        public Lsp.FoldingRange[] FoldingRange(Lsp.DocumentParams p) =>
            _server.Answer("textDocument/foldingRange", p.TextDocument.Uri, OutlineProvider.Folding);

        [JsonRpcMethod("textDocument/formatting", UseSingleObjectParameterDeserialization = true)]
        public Lsp.TextEdit[] Formatting(Lsp.DocumentFormattingParams p) =>
            _server.Answer("textDocument/formatting", p.TextDocument.Uri, EditProvider.Format);

        [JsonRpcMethod("textDocument/inlayHint", UseSingleObjectParameterDeserialization = true)]
        public async Task<Lsp.InlayHint[]> InlayHint(Lsp.InlayHintParams p)
        {
            var (analysis, scenario) = _server.Answer("textDocument/inlayHint", p.TextDocument.Uri,
                a => (a, _server._options.LiveAmounts ? LiveAmounts.FindScenario(a, _server._workspaceRoot) : null));
            if (scenario is null || await _server.SettleAsync(analysis).ConfigureAwait(false) is not { } result)
            {
                return Array.Empty<Lsp.InlayHint>();
            }
            return LiveAmounts.Hints(analysis, result, scenario)
                .Where(h => h.Position.Line >= p.Range.Start.Line && h.Position.Line <= p.Range.End.Line)
                .ToArray();
        }

        [JsonRpcMethod("textDocument/codeAction", UseSingleObjectParameterDeserialization = true)]
        public Lsp.CodeAction[] CodeAction(Lsp.CodeActionParams p) =>
            _server.Answer("textDocument/codeAction", p.TextDocument.Uri, a => EditProvider.CodeActions(a, p.Range));
    }
}
