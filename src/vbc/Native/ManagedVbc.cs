using System.Collections;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vbc.Cli.Native;

/// <summary>
/// The managed vbc published beside the native one (scripts/publish-native.sh puts it in the folder
/// <see cref="Folder"/>), and the hand-over to it: the native vbc runs a command the .NET runtime must run (plug-ins,
/// the language server) by replacing itself with the managed vbc, with the same arguments, the same standard input,
/// output and error, the same process (an editor that stops the language server stops it) and so the same exit code.
/// </summary>
internal static class ManagedVbc
{
    /// <summary>The managed vbc's folder, beside the native vbc.</summary>
    public const string Folder = "managed";

    /// <summary>Set for the managed vbc a native vbc hands over to: a native vbc that sees it refuses to hand over again.</summary>
    public const string HandedOverVariable = "VBC_HANDED_OVER";

    public static string Directory => Path.Combine(AppContext.BaseDirectory, Folder);

    /// <summary>
    /// Runs the command in the managed vbc. On Linux and macOS the process becomes the managed vbc and this returns
    /// only if that failed; elsewhere it waits for the managed vbc and returns its exit code. The message for a
    /// missing managed vbc, or one that cannot start, goes to <paramref name="error"/> with exit code 2.
    /// </summary>
    public static int HandOver(IReadOnlyList<string> args, string reason, TextWriter error)
    {
        string dll = Path.Combine(Directory, "vbc.dll");
        if (!File.Exists(dll))
        {
            error.WriteLine($"vbc: {reason}: this native vbc runs that through the managed vbc, which it expects in {Directory}, and it is not there. " +
                "Publish vbc with scripts/publish-native.sh, which puts both in place, or run this command with the managed vbc (dotnet run --project src/vbc -- ...).");
            return Program.UsageErrors;
        }
        if (Environment.GetEnvironmentVariable(HandedOverVariable) is not null)
        {
            error.WriteLine($"vbc: {reason}, and the vbc in {Directory} is native too (it was handed this command by another native vbc). " +
                "Publish vbc again with scripts/publish-native.sh, which puts the managed vbc there.");
            return Program.UsageErrors;
        }
        // The managed vbc's own launcher finds the .NET runtime as any framework-dependent program does; without it, dotnet on the PATH runs vbc.dll.
        string launcher = Path.Combine(Directory, OperatingSystem.IsWindows() ? "vbc.exe" : "vbc");
        var command = File.Exists(launcher) ? new List<string> { launcher } : new List<string> { "dotnet", dll };
        command.AddRange(args);
        // A file read from a pipe is gone: the managed vbc would read it empty. Standard input is sent on (below).
        if (Vbc.Hosting.UnrepeatableReads.Lost is [var lost, ..])
        {
            error.WriteLine($"vbc: {reason}, which only the managed vbc can do, and this native vbc had already read '{lost}', which cannot be read a second time (a pipe). " +
                $"Run the command with the managed vbc: {launcher} (same arguments), or give the file by its path.");
            return Program.UsageErrors;
        }
        // What this process read from standard input is gone from it: the managed vbc is then a child fed those bytes.
        var consumed = Vbc.Hosting.UnrepeatableReads.StandardInput;
        if (consumed is null && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Path.IsPathRooted(command[0]))
        {
            int errno = Exec(command);
            error.WriteLine($"vbc: {reason}: this native vbc runs that through the managed vbc ({command[0]}), which could not be started (error {errno}). " +
                "Check that the file is executable and that the .NET runtime is installed.");
            return Program.UsageErrors;
        }
        return RunChild(command, reason, error, consumed);
    }

    /// <summary>execve(2): replaces this process; returns errno when it could not.</summary>
    private static int Exec(IReadOnlyList<string> command)
    {
        var environment = new List<string>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{variable.Key}={variable.Value}");
        }
        environment.Add($"{HandedOverVariable}=1");
        var argv = ToNative(command);
        var envp = ToNative(environment);
        try
        {
            NativeExecve(command[0], argv, envp);
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            foreach (var p in argv.Concat(envp))
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    /// <summary>A null-terminated array of UTF-8 strings, as execve takes them.</summary>
    private static IntPtr[] ToNative(IReadOnlyList<string> strings)
    {
        var pointers = new IntPtr[strings.Count + 1];
        for (int i = 0; i < strings.Count; i++)
        {
            pointers[i] = Marshal.StringToCoTaskMemUTF8(strings[i]);
        }
        return pointers;
    }

    [DllImport("libc", EntryPoint = "execve", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int NativeExecve(string path, IntPtr[] argv, IntPtr[] envp);

    /// <summary>
    /// The managed vbc as a child sharing this one's standard output and error: where a process cannot replace itself,
    /// or when this one has read from standard input (<paramref name="consumed"/>). Then the child's standard input is
    /// a pipe that gets those bytes first and then whatever this process's standard input still holds, so the
    /// managed vbc reads what this one read.
    /// </summary>
    private static int RunChild(IReadOnlyList<string> command, string reason, TextWriter error, byte[]? consumed)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardInput = consumed is not null };
        foreach (var a in command.Skip(1))
        {
            start.ArgumentList.Add(a);
        }
        start.Environment[HandedOverVariable] = "1";
        try
        {
            using var child = Process.Start(start) ?? throw new InvalidOperationException("no process");
            if (consumed is not null)
            {
                // Aside: the child may stop reading (or never read the rest); it must never wait on this process.
                var input = child.StandardInput.BaseStream;
                var feeding = new Thread(() => Feed(input, consumed)) { IsBackground = true, Name = "vbc standard input" };
                feeding.Start();
            }
            child.WaitForExit();
            return child.ExitCode;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            error.WriteLine($"vbc: {reason}: this native vbc runs that through the managed vbc ({string.Join(' ', command.Take(2))}), which could not be started: {e.Message.TrimEnd('.')}. " +
                "Check that the .NET runtime is installed.");
            return Program.UsageErrors;
        }
    }

    /// <summary>Writes what was read from standard input, then the rest of it unless it is a terminal, and closes the pipe.</summary>
    private static void Feed(Stream input, byte[] consumed)
    {
        try
        {
            input.Write(consumed);
            input.Flush();
            if (Console.IsInputRedirected)
            {
                using var rest = Console.OpenStandardInput();
                rest.CopyTo(input);
            }
        }
        catch (IOException)
        {
            // The managed vbc ended without reading all of it (a closed pipe): nothing more to give.
        }
        finally
        {
            try
            {
                input.Dispose();
            }
            catch (IOException)
            {
            }
        }
    }
}
