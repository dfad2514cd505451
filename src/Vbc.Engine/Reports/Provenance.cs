using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Vbc.Settlement;

namespace Vbc.Reports;

/// <summary>
/// What a statement records so that it can be settled again and checked by the other party: vbc's version, the
/// SHA-256 of every file read, and the command. The version comes from one place, the assembly's informational
/// version (set by &lt;Version&gt; in Directory.Build.props), without any "+commit" build metadata, so statements
/// (and their golden files) do not change with each commit.
/// </summary>
public static class Provenance
{
    public static string VbcVersion { get; } = ReadVersion();

    private static string ReadVersion()
    {
        string version = typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(Provenance).Assembly.GetName().Version?.ToString()
            ?? "unknown";
        int plus = version.IndexOf('+');
        return plus >= 0 ? version[..plus] : version;
    }

    /// <summary>The reproduction record for files given by role (<c>contract</c>, <c>data</c>...) and the command's arguments after "vbc".</summary>
    public static Reproduction For(IEnumerable<(string Role, string? Path)> files, IEnumerable<string> arguments) =>
        new(VbcVersion,
            files.Where(f => f.Path is not null).Select(f => new InputFile(f.Role, f.Path!, Sha256(f.Path!))).ToList(),
            CommandLine(arguments));

    /// <summary>
    /// The SHA-256 of a file's bytes as lower-case hex, or null when the file is not one that can be read again to
    /// the same bytes (standard input, a device, a /proc file): hashing it a second time would not give what was read.
    /// </summary>
    public static string? Sha256(string path)
    {
        try
        {
            var info = new FileInfo(path);
            string target = info.LinkTarget is { } link ? Path.GetFullPath(link, Path.GetDirectoryName(info.FullName)!) : info.FullName;
            if (!info.Exists || IsSpecial(info.FullName) || IsSpecial(target))
            {
                return null;
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return stream.CanSeek ? Convert.ToHexStringLower(SHA256.HashData(stream)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static bool IsSpecial(string fullPath) =>
        fullPath.StartsWith("/dev/", StringComparison.Ordinal) || fullPath.StartsWith("/proc/", StringComparison.Ordinal);

    /// <summary>"vbc" and the arguments, each quoted for a POSIX shell when it holds anything but plain characters.</summary>
    public static string CommandLine(IEnumerable<string> arguments)
    {
        var o = new StringBuilder("vbc");
        foreach (var a in arguments)
        {
            o.Append(' ').Append(Quote(a));
        }
        return o.ToString();
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "_-./=%:,+@".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''") + "'";
}
