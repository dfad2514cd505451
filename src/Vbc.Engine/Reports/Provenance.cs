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

    /// <summary>
    /// The reproduction record: each file by role (<c>contract</c>, <c>data</c>...) with the path the user gave and
    /// the SHA-256 of the bytes vbc read (null when unknown), and the command's arguments after "vbc".
    /// </summary>
    public static Reproduction For(IEnumerable<(string Role, string? Path, string? Sha256)> files, IEnumerable<string> arguments) =>
        new(VbcVersion,
            files.Where(f => f.Path is not null).Select(f => new InputFile(f.Role, f.Path!, f.Sha256)).ToList(),
            CommandLine(arguments));

    /// <summary>
    /// The SHA-256 of a regular file's bytes as lower-case hex. Call it only on a file vbc itself read and may read
    /// again to the same bytes (the member reader's own file, or its copy of what a pipe delivered): never on the
    /// path a user gave, which may be a pipe that a second open would wait on or that would deliver other bytes.
    /// </summary>
    public static string? Sha256(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

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
