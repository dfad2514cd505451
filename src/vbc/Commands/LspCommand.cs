using System.CommandLine;
using Vbc.LanguageServer;

namespace Vbc.Cli.Commands;

/// <summary><c>vbc lsp [--stdio] [--clientProcessId=N] [--plugins DIR] [--plugin-cache DIR]</c>: the language server editors start, over stdin and stdout.</summary>
internal static class LspCommand
{
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
        command.SetAction((parse, cancellation) => VbcLanguageServer.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(),
            new ServerOptions { Log = console.Error, ClientProcessId = parse.GetValue(clientProcessId), Plugins = plugins.From(parse) }, cancellation));
        return command;
    }
}
