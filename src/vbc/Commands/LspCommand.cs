using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using Vbc.Hosting;
using Vbc.LanguageServer;

namespace Vbc.Cli.Commands;

/// <summary><c>vbc lsp [--stdio] [--clientProcessId=N] [--plugins DIR] [--plugin-cache DIR]</c>: the language server editors start, over stdin and stdout.</summary>
internal static class LspCommand
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = Program.TrimJustification)]
    public static Command Create(Streams console)
    {
        var stdio = new Option<bool>("--stdio") { Description = "Talk over stdin and stdout (the only transport; accepted because editors pass it)." };
        var clientProcessId = new Option<int?>("--clientProcessId") { Description = "The editor's process id: the server stops when that process ends." };
        var command = new Command("lsp",
            "Run the vbc language server (Language Server Protocol over stdin/stdout) for editors: diagnostics as you type, hover, completion, " +
            "go to definition, references, rename, outline, folding, formatting and quick fixes. Logs go to stderr. Exit code 0 after the editor's shutdown.")
        {
            stdio,
            clientProcessId,
        };
        var plugins = new PluginArguments();
        plugins.AddTo(command);
        command.SetAction((parse, cancellation) =>
        {
            if (!ManagedRuntime.IsAvailable)
            {
                throw new ManagedRuntimeRequiredException("vbc lsp serves the Language Server Protocol through StreamJsonRpc, which binds its methods by reflection");
            }
            return VbcLanguageServer.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(),
                new ServerOptions { Log = console.Error, ClientProcessId = parse.GetValue(clientProcessId), Plugins = plugins.From(parse) }, cancellation);
        });
        return command;
    }
}
