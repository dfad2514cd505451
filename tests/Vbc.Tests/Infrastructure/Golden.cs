using System.Runtime.CompilerServices;

namespace Vbc.Tests.Infrastructure;

/// <summary>
/// Golden files: what users read (diagnostics, formatted text, statements) compared with a reviewed copy in the
/// repository. When they differ, the test fails and says how to accept the new output; review every golden
/// change in the diff before committing it.
///
/// To accept all changes:  ./scripts/accept-goldens.sh   (runs the tests with VBC_ACCEPT_GOLDENS=1)
/// </summary>
public static class Golden
{
    public const string AcceptVariable = "VBC_ACCEPT_GOLDENS";

    public static bool Accepting => Environment.GetEnvironmentVariable(AcceptVariable) == "1";

    /// <summary>The repository's root: the folder holding Dsl.sln, found from the test assembly's folder.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine(new[] { RepositoryRoot }.Concat(parts).ToArray());

    /// <summary>Compares <paramref name="actual"/> with the golden file at a path relative to the repository root.</summary>
    public static void Verify(string relativePath, string actual)
    {
        actual = actual.Replace("\r\n", "\n");
        string path = PathOf(relativePath);
        if (Accepting)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path) || File.ReadAllText(path) != actual)
            {
                File.WriteAllText(path, actual);
            }
            return;
        }
        if (!File.Exists(path))
        {
            Assert.Fail($"The golden file {relativePath} does not exist yet.\n{HowToAccept}\n\nOutput:\n{actual}");
        }
        string expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected != actual)
        {
            Assert.Fail($"The output differs from the golden file {relativePath}.\n{FirstDifference(expected, actual)}\n{HowToAccept}");
        }
    }

    public static string HowToAccept =>
        $"If the new output is right, accept it with:  ./scripts/accept-goldens.sh   (or set {AcceptVariable}=1 and run dotnet test), then review the diff.";

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string x = i < e.Length ? e[i] : "<end of file>";
            string y = i < a.Length ? a[i] : "<end of file>";
            if (x != y)
            {
                return $"First difference at line {i + 1}:\n  expected: {x}\n  actual:   {y}";
            }
        }
        return "";
    }

    private static string FindRoot([CallerFilePath] string source = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(source) ?? "" })
        {
            var dir = new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dsl.sln")))
            {
                dir = dir.Parent;
            }
            if (dir is not null)
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (the folder with Dsl.sln).");
    }
}
