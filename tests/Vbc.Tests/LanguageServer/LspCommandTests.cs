using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Vbc.Tests.LanguageServer;

/// <summary>
/// <c>vbc lsp</c> as editors start it: a process speaking LSP over its stdin and stdout, with the arguments editors
/// pass (<c>--stdio</c>, <c>--clientProcessId=N</c>).
/// </summary>
public sealed class LspCommandTests
{
    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vbc.dll"));
        info.ArgumentList.Add("lsp");
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        return Process.Start(info)!;
    }

    private static async Task SendAsync(Process process, object message)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(message);
        var stdin = process.StandardInput.BaseStream;
        await stdin.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"));
        await stdin.WriteAsync(body);
        await stdin.FlushAsync();
    }

    /// <summary>Reads one framed message from the server's stdout.</summary>
    private static async Task<JsonElement> ReceiveAsync(Process process)
    {
        var stdout = process.StandardOutput.BaseStream;
        var header = new StringBuilder();
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            int b = stdout.ReadByte();
            Assert.True(b >= 0, "the server closed its output");
            header.Append((char)b);
        }
        int length = int.Parse(header.ToString().Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))["Content-Length:".Length..].Trim());
        var body = new byte[length];
        await stdout.ReadExactlyAsync(body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<JsonElement> ResponseAsync(Process process, int id)
    {
        while (true)
        {
            var message = await ReceiveAsync(process).WaitAsync(LspTestClient.Timeout);
            if (message.TryGetProperty("id", out var got) && got.GetInt32() == id)
            {
                return message;
            }
        }
    }

    [Fact]
    public async Task Vbc_lsp_speaks_the_protocol_over_stdio_and_exits_0_after_shutdown()
    {
        using var process = Start("--stdio");
        await SendAsync(process, new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { processId = (int?)null, capabilities = new { } } });
        var initialized = await ResponseAsync(process, 1);
        Assert.True(initialized.GetProperty("result").GetProperty("capabilities").GetProperty("hoverProvider").GetBoolean());

        await SendAsync(process, new { jsonrpc = "2.0", method = "textDocument/didOpen", @params = new { textDocument = new { uri = "file:///x.vbc", languageId = "vbc", version = 1, text = "contract \"x\" {\n  perod: 2024-01-01 to 2024-12-31\n}\n" } } });
        JsonElement published;
        do
        {
            published = await ReceiveAsync(process).WaitAsync(LspTestClient.Timeout);
        }
        while (published.GetProperty("method").GetString() != "textDocument/publishDiagnostics");
        Assert.Contains(published.GetProperty("params").GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("message").GetString()!.Contains("Did you mean 'period'", StringComparison.Ordinal));

        await SendAsync(process, new { jsonrpc = "2.0", id = 2, method = "shutdown" });
        await ResponseAsync(process, 2);
        await SendAsync(process, new { jsonrpc = "2.0", method = "exit" });
        await process.WaitForExitAsync().WaitAsync(LspTestClient.Timeout);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task Vbc_lsp_stops_when_the_editor_process_is_gone()
    {
        using var editor = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await editor.WaitForExitAsync();
        using var process = Start("--stdio", $"--clientProcessId={editor.Id}");
        await process.WaitForExitAsync().WaitAsync(LspTestClient.Timeout);
        Assert.True(process.HasExited);
        Assert.Contains($"process {editor.Id}", await process.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
    }
}
