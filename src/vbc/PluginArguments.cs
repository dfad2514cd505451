using System.CommandLine;
using Vbc.Plugins;

namespace Vbc.Cli;

/// <summary>The options of the commands that load a contract's plug-ins (check, settle).</summary>
internal sealed class PluginArguments
{
    public Option<string> Directory { get; } = new("--plugins")
    {
        Description = "A folder of plug-in scripts: a script the contract names that is not found beside the contract is looked for here (by its path, its file name, then NAME.csx).",
    };

    public Option<string> Cache { get; } = new("--plugin-cache")
    {
        Description = "Where compiled plug-ins are kept (default: $VBC_PLUGIN_CACHE, else $XDG_CACHE_HOME/vbc/plugins, else ~/.cache/vbc/plugins).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Directory);
        command.Options.Add(Cache);
    }

    public PluginOptions From(ParseResult parse) => new()
    {
        PluginsDirectory = parse.GetValue(Directory),
        CacheDirectory = parse.GetValue(Cache),
    };
}
