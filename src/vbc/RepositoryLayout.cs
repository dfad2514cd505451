namespace Vbc.Cli;

/// <summary>
/// Where things lie in a checkout of the vbc repository: the defaults of commands run from inside one (the MSSP
/// conformance check's contracts and reference results). The engine knows nothing of this layout.
/// </summary>
internal static class RepositoryLayout
{
    /// <summary>The MSSP track contracts' folder, relative to the repository root.</summary>
    public static readonly string MsspContracts = Path.Combine("contracts", "mssp-tracks");

    /// <summary>CMS's published MSSP results, relative to the repository root: beside the repository, never in it.</summary>
    public static readonly string MsspReference = Path.Combine("..", "shared", "reference", "mssp");

    /// <summary>The folder holding Dsl.sln, from a directory upwards; null when there is none.</summary>
    public static string? FindRoot(string startDirectory)
    {
        for (var directory = new DirectoryInfo(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Dsl.sln")))
            {
                return directory.FullName;
            }
        }
        return null;
    }

    public static string MsspContractsFolder(string root) => Path.GetFullPath(Path.Combine(root, MsspContracts));

    public static string MsspReferenceFolder(string root) => Path.GetFullPath(Path.Combine(root, MsspReference));
}
