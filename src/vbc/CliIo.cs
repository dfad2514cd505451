using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace Vbc.Cli;

/// <summary>
/// What vbc writes as text, to a terminal or to a file, passes here: control characters (terminal escape sequences,
/// carriage returns, bidirectional overrides) that came from a contract, a data file or an inputs file are shown as
/// <c>\u001B</c> instead of acting on the terminal or the reader. Line feeds and tabs are kept. JSON is unchanged by
/// this (its writer already escapes every control character inside strings).
/// </summary>
internal static class OutputText
{
    public static bool NeedsEscape(char c) =>
        (char.IsControl(c) && c != '\n' && c != '\t') || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';

    public static string Escape(string text)
    {
        int first = -1;
        for (int i = 0; i < text.Length; i++)
        {
            if (NeedsEscape(text[i]))
            {
                first = i;
                break;
            }
        }
        if (first < 0)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (NeedsEscape(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}

/// <summary>Writing to standard output or standard error failed (a full disk, a closed stream): a file error, not a defect.</summary>
internal sealed class OutputFailedException(string target, Exception inner) : Exception(inner.Message, inner)
{
    public string Target { get; } = target;
}

/// <summary>The writer every command writes through: escapes control characters and reports write failures as <see cref="OutputFailedException"/>.</summary>
internal sealed class GuardedWriter(TextWriter inner, string target) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public override void Write(char value) => Guard(() => inner.Write(OutputText.NeedsEscape(value) ? OutputText.Escape(value.ToString()) : value.ToString()));

    public override void Write(string? value) => Guard(() => inner.Write(value is null ? null : OutputText.Escape(value)));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(buffer.ToString());

    public override void WriteLine(string? value) => Guard(() =>
    {
        inner.Write(value is null ? null : OutputText.Escape(value));
        inner.Write(inner.NewLine);
    });

    public override void WriteLine() => Guard(() => inner.Write(inner.NewLine));

    public override void Flush() => Guard(inner.Flush);

    private void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A closed standard output shows as "access denied"; a full disk as an IOException.
            throw new OutputFailedException(target, e);
        }
    }
}

/// <summary>Checks of the files a command is given, and writing its result, shared by every command.</summary>
internal static class CliFiles
{
    /// <summary>
    /// Null when <paramref name="path"/> names a file that can be opened; else the message to print (a usage or
    /// file error): an empty name, a folder, or a file that does not exist. Pipes, /dev/stdin and /proc files are files.
    /// </summary>
    public static string? InputProblem(string path, string what)
    {
        string kind = what.Length == 0 ? "file" : what + " file";
        if (path.Trim().Length == 0)
        {
            return $"vbc: the {kind} name is empty. Give the path of the {kind}.";
        }
        if (Directory.Exists(path))
        {
            return $"vbc: cannot read the {kind} '{path}': it is a folder, not a file. Give the path of a file inside it.";
        }
        if (!File.Exists(path))
        {
            return $"vbc: cannot read the {kind} '{path}': it does not exist. Check the path (a relative path starts from {Directory.GetCurrentDirectory()}).";
        }
        return null;
    }

    /// <summary>
    /// Null when the result may be written to <paramref name="output"/>; else the message to print. The output must
    /// have a name, must not be a folder, and must not be one of the command's own input files, however named (a
    /// symbolic link, a hard link, a relative path): writing there would destroy the input.
    /// </summary>
    public static string? OutputProblem(string output, IEnumerable<string?> inputs)
    {
        if (output.Trim().Length == 0)
        {
            return "vbc: --out needs a file name; it is empty. Give the file to write, or leave --out out to write to the terminal.";
        }
        if (Directory.Exists(output))
        {
            return $"vbc: cannot write to '{output}': it is a folder. Give a file name, such as {Path.Combine(output, "statement.txt")}.";
        }
        foreach (var input in inputs)
        {
            if (input is not null && SameFile(output, input))
            {
                return $"vbc: --out '{output}' is the input file '{input}': writing the result there would destroy it. Give another file name for --out.";
            }
        }
        return null;
    }

    /// <summary>Writes a command's result (escaped as all text output is) to the terminal or to a file. Returns the exit code.</summary>
    public static int WriteResult(Streams console, string? path, string text, IEnumerable<string?> inputs)
    {
        if (path is null)
        {
            console.Out.Write(text);
            return Program.Success;
        }
        if (OutputProblem(path, inputs) is { } problem)
        {
            console.Error.WriteLine(problem);
            return Program.UsageErrors;
        }
        try
        {
            File.WriteAllText(path, OutputText.Escape(text), new UTF8Encoding(false));
            console.Error.WriteLine($"Wrote {path}");
            return Program.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            console.Error.WriteLine($"vbc: cannot write '{path}': {e.Message} Check the folder exists and you may write there, or give another --out file.");
            return Program.UsageErrors;
        }
    }

    /// <summary>Whether two paths name the same existing file: the same device and inode on Linux, else the same resolved full path.</summary>
    public static bool SameFile(string a, string b)
    {
        if (!File.Exists(a) || !File.Exists(b))
        {
            return false;
        }
        if (OperatingSystem.IsLinux() && Identity(a) is { } ia && Identity(b) is { } ib)
        {
            return ia == ib;
        }
        return string.Equals(Resolve(a), Resolve(b), StringComparison.Ordinal);
    }

    private static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }

    /// <summary>(device, inode) from stat(2): the first two 8-byte fields of struct stat on 64-bit Linux.</summary>
    private static (ulong Device, ulong Inode)? Identity(string path)
    {
        if (!Environment.Is64BitProcess)
        {
            return null;
        }
        try
        {
            var buffer = new byte[256];
            if (NativeStat(path, buffer) != 0)
            {
                return null;
            }
            return (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int NativeStat(string path, byte[] buffer);
}

/// <summary>Number options whose parse errors say what to write, never a .NET type name.</summary>
internal static class NumberOption
{
    public static Option<T> Create<T>(string name, string description, string expected) where T : struct, INumber<T>
    {
        var option = new Option<T>(name) { Description = description };
        option.CustomParser = r => Parse<T>(r, name, expected) ?? default;
        return option;
    }

    public static Option<T?> Optional<T>(string name, string description, string expected) where T : struct, INumber<T>
    {
        var option = new Option<T?>(name) { Description = description };
        option.CustomParser = r => Parse<T>(r, name, expected);
        return option;
    }

    private static T? Parse<T>(ArgumentResult result, string name, string expected) where T : struct, INumber<T>
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        var style = typeof(T) == typeof(double) || typeof(T) == typeof(decimal) ? NumberStyles.Float : NumberStyles.Integer;
        if (T.TryParse(text, style, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        result.AddError($"{name} takes {expected}; '{text}' is not one.");
        return null;
    }
}
