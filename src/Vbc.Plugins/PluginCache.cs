using System.Security.Cryptography;

namespace Vbc.Plugins;

/// <summary>
/// Compiled plug-ins on disk: <c>KEY.dll</c> with <c>KEY.sha256</c>, the SHA-256 of the dll's bytes when it was written.
/// The key (<see cref="ScriptCompiler.CacheKey"/>) covers the source, the author API, the compiler and the allow-list,
/// so a changed script or a new vbc compiles again. An entry whose bytes no longer match their hash (changed on disk,
/// cut short) is deleted and compiled again. A cache folder that cannot be written is not an error: plug-ins then
/// compile in memory every run.
/// </summary>
public sealed class PluginCache
{
    public PluginCache(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>VBC_PLUGIN_CACHE, else $XDG_CACHE_HOME/vbc/plugins, else ~/.cache/vbc/plugins (the temporary folder without a home).</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("VBC_PLUGIN_CACHE") is { Length: > 0 } own)
        {
            return own;
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (xdg is { Length: > 0 } && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "vbc", "plugins");
        }
        // Without a home folder (a bare CI job), the temporary folder rather than a '.cache' in the current one.
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.IsPathRooted(home)
            ? Path.Combine(home, ".cache", "vbc", "plugins")
            : Path.Combine(Path.GetTempPath(), "vbc-plugin-cache");
    }

    public enum Outcome
    {
        Hit,
        Miss,
        Tampered,
    }

    public (byte[]? Bytes, Outcome Outcome) TryRead(string key)
    {
        var dll = Path.Combine(Directory, key + ".dll");
        var hash = Path.Combine(Directory, key + ".sha256");
        try
        {
            if (!File.Exists(dll))
            {
                return (null, Outcome.Miss);
            }
            var bytes = File.ReadAllBytes(dll);
            var expected = File.Exists(hash) ? File.ReadAllText(hash).Trim() : "";
            if (Convert.ToHexStringLower(SHA256.HashData(bytes)) == expected)
            {
                return (bytes, Outcome.Hit);
            }
            File.Delete(dll);
            File.Delete(hash);
            return (null, Outcome.Tampered);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, Outcome.Miss);
        }
    }

    public void Write(string key, byte[] bytes)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            // Written aside and moved, so that another vbc reading the entry never sees half of it.
            var temp = Path.Combine(Directory, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temp, bytes);
            File.WriteAllText(Path.Combine(Directory, key + ".sha256"), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            File.Move(temp, Path.Combine(Directory, key + ".dll"), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not cached: the next run compiles again.
        }
    }
}
