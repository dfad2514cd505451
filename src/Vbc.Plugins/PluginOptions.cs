namespace Vbc.Plugins;

/// <summary>
/// The limits of one call into plug-in code (one settlement of a clause, one check, one construction). Steps are
/// loop turns and calls of plug-in code; time and memory are checked every 16 steps; the thread that runs the
/// plug-in has its own stack of <see cref="StackBytes"/>, and each call checks there is room left on it.
/// </summary>
public sealed record PluginLimits(long Steps, int TimeMilliseconds, long MemoryBytes, int StackBytes)
{
    public static PluginLimits Default { get; } = new(Steps: 10_000_000, TimeMilliseconds: 2_000, MemoryBytes: 256L << 20, StackBytes: 1 << 20);
}

/// <summary>Where scripts and compiled plug-ins are found, and the limits plug-in code runs under.</summary>
public sealed record PluginOptions
{
    /// <summary>--plugins DIR: a folder where names the contract gives are looked up when not found beside the contract.</summary>
    public string? PluginsDirectory { get; init; }

    /// <summary>Where compiled plug-ins are kept; null for the default (<see cref="PluginCache.DefaultDirectory"/>).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Compile in memory and keep nothing on disk.</summary>
    public bool NoCache { get; init; }

    public PluginLimits Limits { get; init; } = PluginLimits.Default;

    public static PluginOptions Default { get; } = new();
}
