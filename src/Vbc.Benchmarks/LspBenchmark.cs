using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Nerdbank.Streams;
using StreamJsonRpc;
using Vbc.LanguageServer;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.Benchmarks;

/// <summary>
/// The language server's speed figures (issue 11), measured in process over a duplex stream as an editor would see
/// them: diagnostics after an edit of a 1,000-line contract, completion and hover, live amounts on 100,000 members,
/// and memory over 10,000 edits. Run: dotnet run -c Release --project src/Vbc.Benchmarks -- --lsp. Not a test: it
/// prints figures to report (docs/editors.md).
/// </summary>
public static class LspBenchmark
{
    public static async Task<int> RunAsync(string repositoryRoot)
    {
        string sample = File.ReadAllText(Path.Combine(repositoryRoot, "tests", "lsp", "sample.vbc")).Replace("\r\n", "\n");
        string work = Directory.CreateTempSubdirectory("vbc-lsp-bench").FullName;
        try
        {
            string members = Path.Combine(work, "members.csv");
            WriteMembers(members, 100_000);
            string contract = BigContract(sample, members);
            Console.WriteLine($"# Language server figures ({Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd})");
            Console.WriteLine($"Contract: {contract.Split('\n').Length:N0} lines (the LSP sample plus bonus clauses); data: 100,000 members.");
            Console.WriteLine();

            await using (var client = await Client.StartAsync(work, liveAmounts: false))
            {
                await Diagnostics(client, contract);
                await CompletionAndHover(client, contract);
            }
            await using (var client = await Client.StartAsync(work, liveAmounts: true))
            {
                await Live(client, contract);
            }
            await using (var client = await Client.StartAsync(work, liveAmounts: true))
            {
                await Memory(client, sample.Replace("tests/lsp/sample-members.csv", Path.Combine(repositoryRoot, "tests", "lsp", "sample-members.csv")));
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private const string Uri = "file:///bench/contract.vbc";

    /// <summary>The sample contract and 190 bonus clauses (a pay-for-performance schedule): about 1,000 lines.</summary>
    private static string BigContract(string sample, string members)
    {
        var text = new StringBuilder(sample.Replace("tests/lsp/sample-members.csv", members));
        for (int i = 1; text.ToString().Count(c => c == '\n') < 1_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nbonus \"Measure {i}\" {{\n  when: diabetes_control >= {30 + i % 50}%\n  amount: $0.{i % 90 + 10:D2} PMPM\n}}\n");
        }
        return text.ToString();
    }

    private static void WriteMembers(string path, int count)
    {
        var random = new Random(11);
        using var writer = new StreamWriter(path);
        writer.WriteLine("member_id,member_months,attributed,inpatient,outpatient,hba1c_num,hba1c_den");
        for (int i = 0; i < count; i++)
        {
            int den = random.Next(2);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"m{i},{random.Next(1, 13)},{(random.Next(20) == 0 ? 0 : 1)},{random.Next(0, 4000)}.{random.Next(100):D2},{random.Next(0, 1500)}.{random.Next(100):D2},{(den == 1 ? random.Next(2) : 0)},{den}"));
        }
    }

    private static async Task Diagnostics(Client client, string contract)
    {
        await client.OpenAsync(Uri, contract);
        await client.DiagnosticsAsync(1);
        var at = Position(contract, "trend: 2%", "trend: ".Length);
        var times = new List<double>();
        for (int version = 2; version <= 101; version++)
        {
            // Alternately type a digit and delete it: "2%" -> "25%" -> "2%".
            var change = version % 2 == 0
                ? new Lsp.TextDocumentContentChangeEvent("5", new Lsp.Range(at with { Character = at.Character + 1 }, at with { Character = at.Character + 1 }))
                : new Lsp.TextDocumentContentChangeEvent("", new Lsp.Range(at with { Character = at.Character + 1 }, at with { Character = at.Character + 2 }));
            var clock = Stopwatch.StartNew();
            await client.ChangeAsync(Uri, version, change);
            await client.DiagnosticsAsync(version);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        // The first edits run code the JIT has not optimised yet: reported apart from a server that has been running.
        Report("Diagnostics after an edit, first 10 edits after start (1,000 lines; debounce delay 0)", times.Take(10).ToList(), 100);
        Report("Diagnostics after an edit, edits 41-100 (1,000 lines; debounce delay 0)", times.Skip(40).ToList(), 100);
    }

    private static async Task CompletionAndHover(Client client, string contract)
    {
        var completionAt = Position(contract, "sharing: ", "sharing: ".Length);
        var namesAt = Position(contract, "rate: scaled_rate", "rate: ".Length);
        var hoverAt = Position(contract, "scaled_rate * diabetes_control", 3);
        var steady = new List<double>();
        var hover = new List<double>();
        var afterEdit = new List<double>();
        for (int i = 0; i < 60; i++)
        {
            var clock = Stopwatch.StartNew();
            await client.RequestAsync("textDocument/completion", At(i % 2 == 0 ? completionAt : namesAt));
            steady.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await client.RequestAsync("textDocument/hover", At(hoverAt));
            hover.Add(clock.Elapsed.TotalMilliseconds);
        }
        var at = Position(contract, "trend: 2%", "trend: 2".Length);
        for (int version = 100; version < 130; version++)
        {
            var change = version % 2 == 0
                ? new Lsp.TextDocumentContentChangeEvent("5", new Lsp.Range(at, at))
                : new Lsp.TextDocumentContentChangeEvent("", new Lsp.Range(at, at with { Character = at.Character + 1 }));
            await client.ChangeAsync(Uri, version, change);
            var clock = Stopwatch.StartNew();
            await client.RequestAsync("textDocument/completion", At(namesAt));
            afterEdit.Add(clock.Elapsed.TotalMilliseconds);
        }
        Report("Completion (1,000 lines, text analysed already)", steady.Skip(10).ToList(), 50);
        Report("Hover (1,000 lines, text analysed already)", hover.Skip(10).ToList(), 50);
        Report("Completion right after an edit (includes analysing the new text)", afterEdit.Skip(5).ToList(), 50);
    }

    private static async Task Live(Client client, string contract)
    {
        await client.OpenAsync(Uri, contract);
        await client.RequestAsync("textDocument/inlayHint", new { textDocument = new { uri = Uri }, range = new Lsp.Range(new(0, 0), new(5_000, 0)) });
        var at = Position(contract, "base_rate: 40%", "base_rate: 4".Length);
        var times = new List<double>();
        string first = "";
        for (int version = 2; version <= 11; version++)
        {
            var change = new Lsp.TextDocumentContentChangeEvent(version % 2 == 0 ? "5" : "0", new Lsp.Range(at, at with { Character = at.Character + 1 }));
            var clock = Stopwatch.StartNew();
            await client.ChangeAsync(Uri, version, change);
            var hints = await client.RequestAsync("textDocument/inlayHint", new { textDocument = new { uri = Uri }, range = new Lsp.Range(new(0, 0), new(5_000, 0)) });
            times.Add(clock.Elapsed.TotalMilliseconds);
            first = hints.EnumerateArray().First().GetProperty("label").GetString() ?? "";
        }
        Report("Live amounts after an edit (settling 100,000 members, hints returned)", times.Skip(2).ToList(), 1000);
        Console.WriteLine($"  (last run: {first})");
    }

    private static async Task Memory(Client client, string sample)
    {
        await client.OpenAsync(Uri, sample);
        await client.DiagnosticsAsync(1);
        var at = Position(sample, "trend: 2%", "trend: 2".Length);
        Console.WriteLine();
        Console.WriteLine("Memory over 10,000 edits of the sample (a hover and the inlay hints after every tenth edit; live amounts on):");
        Console.WriteLine("| edits | managed heap after GC | working set |");
        Console.WriteLine("|---:|---:|---:|");
        void Row(int edits)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Console.WriteLine($"| {edits:N0} | {GC.GetTotalMemory(true) / 1024.0 / 1024.0:F1} MB | {Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0:F0} MB |");
        }
        Row(0);
        for (int edit = 1; edit <= 10_000; edit++)
        {
            var change = edit % 2 == 1
                ? new Lsp.TextDocumentContentChangeEvent("5", new Lsp.Range(at, at))
                : new Lsp.TextDocumentContentChangeEvent("", new Lsp.Range(at, at with { Character = at.Character + 1 }));
            await client.ChangeAsync(Uri, edit + 1, change);
            client.DrainDiagnostics();
            if (edit % 10 == 0)
            {
                await client.RequestAsync("textDocument/hover", At(Position(sample, "scaled_rate * diabetes_control", 3)));
                await client.RequestAsync("textDocument/inlayHint", new { textDocument = new { uri = Uri }, range = new Lsp.Range(new(0, 0), new(500, 0)) });
            }
            if (edit % 2_000 == 0)
            {
                Row(edit);
            }
        }
    }

    private static object At(Lsp.Position position) => new { textDocument = new { uri = Uri }, position };

    private static Lsp.Position Position(string text, string find, int shift)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal) + shift;
        int line = text[..at].Count(c => c == '\n');
        return new Lsp.Position(line, at - (text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1));
    }

    private static void Report(string what, List<double> ms, double target)
    {
        ms.Sort();
        double median = ms[ms.Count / 2], p95 = ms[(int)Math.Ceiling(ms.Count * 0.95) - 1];
        Console.WriteLine($"- {what}: median {median:F1} ms, 95th percentile {p95:F1} ms, max {ms[^1]:F1} ms over {ms.Count} runs (target {target:N0} ms: {(p95 <= target ? "met" : "NOT met")})");
    }

    /// <summary>A minimal LSP client on an in-memory duplex stream.</summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly JsonRpc _rpc;
        private readonly VbcLanguageServer _server;
        private readonly Channel<Lsp.PublishDiagnosticsParams> _diagnostics = Channel.CreateUnbounded<Lsp.PublishDiagnosticsParams>();

        private Client(VbcLanguageServer server, Stream stream)
        {
            _server = server;
            var formatter = new SystemTextJsonFormatter();
            Lsp.ProtocolJson.Configure(formatter.JsonSerializerOptions);
            _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(stream, stream, formatter));
            _rpc.AddLocalRpcTarget(new Notifications(this));
            _rpc.StartListening();
        }

        private sealed class Notifications(Client client)
        {
            [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
            public void PublishDiagnostics(Lsp.PublishDiagnosticsParams p) => client._diagnostics.Writer.TryWrite(p);

            [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
            public void LogMessage(Lsp.LogMessageParams p) => Console.Error.WriteLine(p.Message);
        }

        public static async Task<Client> StartAsync(string root, bool liveAmounts)
        {
            var (serverStream, clientStream) = FullDuplexStream.CreatePair();
            var server = VbcLanguageServer.Start(serverStream, serverStream, new ServerOptions { DiagnosticsDelay = TimeSpan.Zero, LiveAmounts = liveAmounts });
            var client = new Client(server, clientStream);
            await client.RequestAsync("initialize", new { processId = (int?)null, rootUri = new System.Uri(root + "/").AbsoluteUri, capabilities = new { } });
            return client;
        }

        public Task<System.Text.Json.JsonElement> RequestAsync(string method, object parameters) =>
            _rpc.InvokeWithParameterObjectAsync<System.Text.Json.JsonElement>(method, parameters);

        public Task OpenAsync(string uri, string text) =>
            _rpc.NotifyWithParameterObjectAsync("textDocument/didOpen", new Lsp.DidOpenTextDocumentParams(new Lsp.TextDocumentItem(uri, "vbc", 1, text)));

        public Task ChangeAsync(string uri, int version, Lsp.TextDocumentContentChangeEvent change) =>
            _rpc.NotifyWithParameterObjectAsync("textDocument/didChange",
                new Lsp.DidChangeTextDocumentParams(new Lsp.VersionedTextDocumentIdentifier(uri, version), new[] { change }));

        public async Task DiagnosticsAsync(int version)
        {
            while ((await _diagnostics.Reader.ReadAsync()).Version != version)
            {
            }
        }

        /// <summary>Drops the publications received so far (an editor shows them and forgets them).</summary>
        public void DrainDiagnostics()
        {
            while (_diagnostics.Reader.TryRead(out _))
            {
            }
        }

        public ValueTask DisposeAsync()
        {
            _rpc.Dispose();
            _server.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
