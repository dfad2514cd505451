namespace Vbc.Tests.Infrastructure;

/// <summary>
/// The command each example contract carries in its header ("// Settle the example: vbc settle ..."): the one place
/// tests read it, so that the examples' data files, years and inputs are written once, in the contract.
/// </summary>
internal static class ExampleHeader
{
    public const string Marker = "// Settle the example: vbc ";

    /// <summary>The arguments after "vbc" of the contract's header command (a path from the repository root, or a full path), or null when it has none.</summary>
    public static string[]? Command(string contract)
    {
        string path = Path.IsPathRooted(contract) ? contract : Golden.PathOf(contract);
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        return line is null ? null : CliRunner.Split(line[Marker.Length..]);
    }
}
