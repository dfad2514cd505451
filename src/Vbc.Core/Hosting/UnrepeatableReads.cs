namespace Vbc.Hosting;

/// <summary>
/// The files a command read that cannot be read a second time: standard input (<c>vbc check /dev/stdin</c>, a contract
/// piped in), a pipe, a process substitution (<c>/dev/fd/63</c>). The native vbc hands a command it cannot finish (a
/// contract with plug-ins) to the managed vbc by running the whole command again, which reads its files again: what
/// was read from standard input is sent to the managed vbc's standard input first (Vbc.Cli.Native.ManagedVbc), and a
/// hand-over after reading another such file is refused with a message, never run on an empty file.
/// </summary>
public static class UnrepeatableReads
{
    private static readonly object Gate = new();
    private static byte[]? s_standardInput;
    private static readonly List<string> s_lost = new();

    /// <summary>The bytes read from standard input by its name, in order; null when nothing was.</summary>
    public static byte[]? StandardInput
    {
        get
        {
            lock (Gate)
            {
                return s_standardInput;
            }
        }
    }

    /// <summary>Files read that cannot be read again and whose bytes were not kept (pipes other than standard input, large data).</summary>
    public static IReadOnlyList<string> Lost
    {
        get
        {
            lock (Gate)
            {
                return s_lost.ToList();
            }
        }
    }

    /// <summary>Whether <paramref name="path"/> names this process's standard input (Linux and macOS spell it in these three ways).</summary>
    public static bool IsStandardInput(string path) => path is "/dev/stdin" or "/dev/fd/0" or "/proc/self/fd/0";

    /// <summary>
    /// Notes that <paramref name="path"/>, a file that cannot be read again, was read: whole as <paramref name="bytes"/>
    /// (kept when it is standard input), or streamed elsewhere (null).
    /// </summary>
    public static void Record(string path, byte[]? bytes)
    {
        lock (Gate)
        {
            if (bytes is not null && IsStandardInput(path))
            {
                s_standardInput = s_standardInput is null ? bytes : [.. s_standardInput, .. bytes];
                s_lost.Remove(path);
            }
            else if (!s_lost.Contains(path))
            {
                s_lost.Add(path);
            }
        }
    }
}
