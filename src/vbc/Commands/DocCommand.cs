using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Vbc.Hosting;
using Vbc.Plugins;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc doc FILE.csx [--out FILE]</c>: the Markdown reference of a plug-in's clause kind, from its declarations. The
/// script goes through exactly what a contract's plug-in goes through (compile, allow-list, limits, declaration
/// checks); a script that fails them is reported as vbc check reports it, and no page is written.
/// </summary>
internal static class DocCommand
{
    public static Command Create(Streams console)
    {
        var script = new Argument<string>("script") { Description = "The plug-in script (.csx)." };
        var output = new Option<string>("--out") { Description = "Write the Markdown to this file instead of the terminal." };
        var plugins = new PluginArguments();
        var command = new Command("doc",
            "Write the reference page (Markdown) of a plug-in's clause kind from its declarations: keyword, summary, example, settings with type, unit, range " +
            "and documentation, the values it defines, and its own diagnostic codes with their fixes (docs/plugins.md). Exit code 0 written, " +
            "1 the script does not compile or breaks the plug-in rules (each problem printed as vbc check prints it), 2 usage or file errors.")
        {
            script,
            output,
            plugins.Cache,
        };
        command.SetAction(parse => Run(console, parse.GetValue(script)!, parse.GetValue(output), new PluginOptions { CacheDirectory = parse.GetValue(plugins.Cache) }));
        return command;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = Program.TrimJustification)]
    internal static int Run(Streams console, string script, string? output, PluginOptions options)
    {
        if (!ManagedRuntime.IsAvailable)
        {
            throw new ManagedRuntimeRequiredException($"vbc doc compiles and loads the plug-in script '{script}'");
        }
        if (CliFiles.InputProblem(script, "plug-in script") is { } problem)
        {
            console.Error.WriteLine(problem);
            return Program.UsageErrors;
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(script);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"vbc: cannot read the plug-in script '{script}': {e.Message}");
            return Program.UsageErrors;
        }
        string name = Path.GetFileNameWithoutExtension(script).Replace('-', '_');
        var (plugin, diagnostics) = PluginHost.LoadScript(name, script, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), options);
        foreach (var d in diagnostics)
        {
            console.Error.WriteLine(d);
        }
        if (plugin is null)
        {
            return Program.ContractOrDataErrors;
        }
        try
        {
            return CliFiles.WriteResult(console, output, PluginDocument.Markdown(plugin), new[] { script });
        }
        finally
        {
            plugin.Unload();
        }
    }
}
