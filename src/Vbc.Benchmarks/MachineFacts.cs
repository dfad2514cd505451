using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vbc.Benchmarks;

/// <summary>The machine and build the figures were taken on.</summary>
internal sealed record MachineFacts(
    int Cores,
    string Cpu,
    string Memory,
    string DotNet,
    string Os,
    string GcMode,
    string Commit,
    IReadOnlyList<string> UncommittedSources,
    double PageFaultMicroseconds)
{
    public static MachineFacts Collect()
    {
        string cpu = Lines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } m
            ? m[(m.IndexOf(':') + 1)..].Trim()
            : "?";
        string memory = Lines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } t
            ? $"{long.Parse(t[9..].Trim().Replace(" kB", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0:F1} GiB"
            : "?";
        string os = $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})";
        string gc = $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, latency mode {System.Runtime.GCSettings.LatencyMode}";
        string commit = Git("rev-parse --short HEAD")?.Trim() ?? "?";
        var dirty = (Git("status --porcelain -- src/Vbc.Core src/Vbc.Engine") ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim())
            .ToList();
        return new MachineFacts(Environment.ProcessorCount, cpu, memory, RuntimeInformation.FrameworkDescription, os, gc, commit, dirty,
            ProcFs.PageFaultMicroseconds());
    }

    private static IEnumerable<string> Lines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return Array.Empty<string>();
        }
    }

    private static string? Git(string arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(info);
            if (p is null)
            {
                return null;
            }
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
