using System.Diagnostics.CodeAnalysis;
using Vbc.Diagnostics;

namespace Vbc.Plugins;

/// <summary>
/// The plug-ins a long-running tool (the language server) has loaded, kept between binds: a script is compiled and
/// constructed once per content (its SHA-256), and every later bind of a contract naming it reuses the clause kind,
/// so typing never waits for Roslyn. A script that failed keeps its diagnostics until its text changes. When a
/// script's text changes, the previous plug-in is unloaded; it goes once no analysis uses its clause kind any more.
/// </summary>
public sealed class PluginSession
{
    private readonly object _gate = new();
    // Keyed by the script's full path: the path diagnostics show is relative to the current folder, which may change.
    private readonly Dictionary<(string Name, string FullPath), Entry> _loaded = new();

    private sealed record Entry(string Sha256, LoadedPlugin? Plugin, IReadOnlyList<Diagnostic> Diagnostics);

    /// <summary>How many times a script was compiled or taken from the disk cache (not reused from this session).</summary>
    public int Loads { get; private set; }

    [RequiresDynamicCode("Compiles a script and loads the assembly emitted.")]
    [RequiresUnreferencedCode("Finds the clause kind in the loaded assembly by reflection.")]
    internal (LoadedPlugin? Plugin, IReadOnlyList<Diagnostic> Diagnostics) LoadScript(string name, string fullPath, string path, byte[] bytes, string sha256, PluginOptions options)
    {
        lock (_gate)
        {
            if (_loaded.TryGetValue((name, fullPath), out var known))
            {
                if (known.Sha256 == sha256)
                {
                    return (known.Plugin, known.Diagnostics);
                }
                known.Plugin?.Unload();
            }
            var (plugin, diagnostics) = PluginHost.LoadScript(name, path, bytes, sha256, options);
            Loads++;
            _loaded[(name, fullPath)] = new Entry(sha256, plugin, diagnostics);
            return (plugin, diagnostics);
        }
    }
}
