using System.Reflection;
using System.Runtime.Loader;

namespace Vbc.Plugins;

/// <summary>
/// A collectible load context for one plug-in: it holds the plug-in's assembly only, and every other assembly
/// (Vbc.Core, the runtime) resolves to the one vbc already loaded, so the plug-in's PluginClause is vbc's.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    public PluginLoadContext(string name) : base("vbc plug-in " + name, isCollectible: true)
    {
    }

    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
