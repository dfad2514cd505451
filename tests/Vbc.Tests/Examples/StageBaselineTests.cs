using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Examples;

/// <summary>
/// Per-stage goldens of every example contract (as Bicep keeps them): the syntax tree, the bound symbols and the
/// member-level IR, each printed by `vbc check --dump`, in tests/baselines/stages/. The IR is of the run the
/// example's header command settles (its --year and --input values).
/// </summary>
public class StageBaselineTests
{
    public static TheoryData<string, string> Stages()
    {
        var data = new TheoryData<string, string>();
        foreach (var contract in Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(Golden.RepositoryRoot, f).Replace('\\', '/'))
                     .OrderBy(f => f, StringComparer.Ordinal))
        {
            foreach (var stage in new[] { "syntax", "bound", "ir" })
            {
                data.Add(contract, stage);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Stage_output_matches_its_golden(string contract, string stage)
    {
        var args = new List<string> { "check", contract, "--dump", stage };
        if (stage == "ir")
        {
            args.AddRange(RunArguments(contract));
        }
        var result = CliRunner.Run(args.ToArray());
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Error}");
        Assert.Equal("", result.Error);
        string name = contract["contracts/".Length..^".vbc".Length].Replace('/', '-');
        Golden.Verify($"tests/baselines/stages/{name}.{stage}.txt", result.Output);
    }

    /// <summary>The --year and --input arguments of the example's header command, if it has one.</summary>
    internal static IEnumerable<string> RunArguments(string contract)
    {
        if (ExampleHeader.Command(contract) is not { } args)
        {
            yield break;
        }
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] is "--year" or "--input")
            {
                yield return args[i];
                yield return args[++i];
            }
        }
    }

    [Fact]
    public void Dump_takes_one_contract_and_the_run_options_only_for_the_ir()
    {
        var two = CliRunner.Run("check", "contracts/mssp-basic-a.vbc", "contracts/reach-global.vbc", "--dump", "ir");
        Assert.Equal(2, two.ExitCode);
        Assert.Contains("one contract", two.Error);
        var yearForSyntax = CliRunner.Run("check", "contracts/mssp-basic-a.vbc", "--dump", "syntax", "--year", "2024");
        Assert.Equal(2, yearForSyntax.ExitCode);
        Assert.Contains("--dump ir", yearForSyntax.Error);
        var badPair = CliRunner.Run("check", "contracts/mssp-basic-a.vbc", "--dump", "ir", "--input", "quality_score");
        Assert.Equal(2, badPair.ExitCode);
        Assert.Contains("NAME=VALUE", badPair.Error);
    }

    [Fact]
    public void The_ir_of_a_run_needs_its_inputs_and_names_the_one_missing()
    {
        var missing = CliRunner.Run("check", "contracts/mssp-basic-a.vbc", "--dump", "ir", "--input", "quality_score=92%");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("assigned_beneficiaries", missing.Error);
        Assert.Equal("", missing.Output);
        // The year is checked as for a settlement: the IR is of a run that could settle.
        var outside = CliRunner.Run("check", "contracts/mssp-glide-path.vbc", "--dump", "ir", "--year", "2031",
            "--input", "quality_score=92%", "--input", "participant_revenue=4000000");
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains("VBC4012", outside.Error);
    }

    [Fact]
    public void The_ir_of_a_contract_with_errors_is_not_printed()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vbc-dump-{Guid.NewGuid():N}.vbc");
        File.WriteAllText(file, File.ReadAllText(Golden.PathOf("contracts/partial-capitation.vbc")).Replace("services: professional, outpatient", "services: professional, nowhere"));
        try
        {
            var result = CliRunner.Run("check", file, "--dump", "ir");
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("nowhere", result.Error);
            Assert.Equal("", result.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
