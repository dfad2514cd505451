using Vbc.Formatting;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Examples;

/// <summary>
/// Every contract in contracts/ checks clean, is in canonical layout, and settles on the sample data with the
/// command written in its header ("// Settle the example: vbc settle ..."). The statements it prints, as text and
/// as JSON, are golden files in tests/baselines/statements/.
/// </summary>
public class ExampleContractTests
{
    private static IEnumerable<string> ContractFiles() =>
        Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Golden.RepositoryRoot, file).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal);

    public static TheoryData<string> Contracts() => new(ContractFiles());

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Checks_clean_without_warnings(string contract)
    {
        var bound = Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf(contract)));
        Assert.True(bound.Diagnostics.IsEmpty, string.Join("\n", bound.Diagnostics));
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Is_in_canonical_layout(string contract)
    {
        var parsed = ContractParser.ParseFile(Golden.PathOf(contract));
        Assert.Equal(parsed.Source.Text, ContractFormatter.Format(parsed));
    }

    /// <summary>The examples settled on member data (the MSSP track contracts settle from totals: see Conformance).</summary>
    public static TheoryData<string> SettledExamples() => new(ContractFiles().Where(c => !c.Contains("/mssp-tracks/")));

    [Theory]
    [MemberData(nameof(SettledExamples))]
    public void Settles_with_the_command_in_its_header(string contract)
    {
        var args = SettleCommandOf(contract);
        var text = CliRunner.Run(args);
        Assert.True(text.ExitCode == 0, $"exit {text.ExitCode}\n{text.Error}");
        Assert.Equal("", text.Error);
        Golden.Verify($"tests/baselines/statements/{Path.GetFileNameWithoutExtension(contract)}.txt", text.Output);

        var json = CliRunner.Run(args.Concat(new[] { "--format", "json" }).ToArray());
        Assert.Equal(0, json.ExitCode);
        Golden.Verify($"tests/baselines/statements/{Path.GetFileNameWithoutExtension(contract)}.json", json.Output);

        // Same inputs, same bytes.
        Assert.Equal(text.Output, CliRunner.Run(args).Output);
    }

    /// <summary>The arguments after "vbc" in the contract's "Settle the example:" comment.</summary>
    internal static string[] SettleCommandOf(string contract)
    {
        var args = ExampleHeader.Command(contract);
        Assert.True(args is not null, $"{contract} has no '{ExampleHeader.Marker.Trim()}' line in its header.");
        Assert.Equal("settle", args[0]);
        Assert.Equal(contract, args[1]);
        return args;
    }
}
