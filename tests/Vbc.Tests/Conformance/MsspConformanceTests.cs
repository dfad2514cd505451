using Vbc.Cli;
using Vbc.Conformance;
using Vbc.Settlement;
using Xunit.Abstractions;

namespace Vbc.Tests.Conformance;

/// <summary>
/// The MSSP track contracts against CMS's published results (../shared/reference/mssp beside the repository root).
///
/// The reference file is CMS's data and is never copied into the repository. When it is absent these tests say so
/// in their output ("NOT RUN: ...") and pass, unless the environment variable VBC_REQUIRE_REFERENCE is 1: then its
/// absence is a failure (set it wherever the reference is supposed to be present, such as CI).
/// </summary>
public class MsspConformanceTests
{
    public const string RequireReferenceVariable = "VBC_REQUIRE_REFERENCE";

    private readonly ITestOutputHelper _output;

    public MsspConformanceTests(ITestOutputHelper output) => _output = output;

    private static string RepositoryRoot => RepositoryLayout.FindRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("No Dsl.sln above the test assembly's folder.");

    private static string ContractsFolder => RepositoryLayout.MsspContractsFolder(RepositoryRoot);

    /// <summary>The reference folder, or null (after saying so plainly) when it is absent and not required.</summary>
    private string? ReferenceFolder()
    {
        string folder = RepositoryLayout.MsspReferenceFolder(RepositoryRoot);
        if (File.Exists(MsspConformance.ReferenceFile(folder)))
        {
            return folder;
        }
        string message = $"NOT RUN: CMS's published MSSP results ({MsspConformance.ReferenceFile(folder)}) are absent, so the contracts were NOT checked " +
            $"against them. Set {RequireReferenceVariable}=1 to make this a failure.";
        _output.WriteLine(message);
        Console.WriteLine(message);
        Assert.False(Environment.GetEnvironmentVariable(RequireReferenceVariable) == "1",
            $"{RequireReferenceVariable}=1 but the MSSP reference folder is absent: {folder}");
        return null;
    }

    /// <summary>The rows that do not match, each one a known edge case of CMS's file (docs/conformance.md).</summary>
    public static readonly IReadOnlyList<(int Year, string Aco, MsspMismatchKind Kind)> ExplainedMismatches = new[]
    {
        (2019, "A1498", MsspMismatchKind.DisasterAdjustmentPartlyApplied),
        (2019, "A2392", MsspMismatchKind.RevenueBasedLossLimit),
        (2021, "A1515", MsspMismatchKind.PublicHealthEmergencyCancelsLoss),
        (2021, "A2820", MsspMismatchKind.PublicHealthEmergencyCancelsLoss),
        (2021, "A4627", MsspMismatchKind.PublicHealthEmergencyCancelsLoss),
    };

    [Fact]
    public void Reproduces_CMS_published_results_but_for_the_explained_edge_cases()
    {
        if (ReferenceFolder() is not { } folder)
        {
            return;
        }
        var report = MsspConformance.Run(folder, ContractsFolder);
        _output.WriteLine(report.ToText());

        Assert.Empty(report.Problems);
        Assert.Equal(MsspConformance.ExpectedRows, report.Total);
        Assert.True(report.Matched >= MsspConformance.RequiredMatches, $"{report.Matched} of {report.Total} rows match; at least {MsspConformance.RequiredMatches} must.");
        Assert.Empty(report.Unexplained.Select(r => $"{r.Row.Year} {r.Row.AcoId}: {r.Reason}"));
        var mismatches = report.Mismatches.Select(r => (r.Row.Year, r.Row.AcoId, r.Kind)).OrderBy(m => m.Year).ThenBy(m => m.AcoId, StringComparer.Ordinal).ToList();
        Assert.Equal(ExplainedMismatches, mismatches);

        // The contracts' size table gives CMS's minimum savings rate (to CMS's rounding) wherever the statement shows it.
        var (compared, agree) = report.MinimumSavingsRateCheck;
        Assert.True(compared > 900, $"only {compared} rows compared");
        Assert.Equal(compared, agree);

        // Speed is not asserted here (a busy machine would fail it): `vbc conformance` reports the time, and the
        // benchmark program measures it.
        _output.WriteLine($"{report.Total} settlements took {report.SettlementTime.TotalSeconds:0.00} s");
    }

    [Fact]
    public void Track_2_loss_limit_stand_in_changes_no_result()
    {
        // CMS does not publish how many years a Track 2 ACO has been under two-sided risk. The check gives 3 (a 10%
        // limit); the first year's 5% gives the same totals, so the stand-in decides nothing.
        if (ReferenceFolder() is not { } folder)
        {
            return;
        }
        var (rows, problems) = MsspRow.ReadFile(MsspConformance.ReferenceFile(folder));
        Assert.Empty(problems);
        var contracts = MsspContracts.Load(ContractsFolder);
        var contract = contracts.ContractFor("track_2")!;
        var track2 = rows.Where(r => r.Track == "track_2").ToList();
        Assert.NotEmpty(track2);
        foreach (var row in track2)
        {
            var totals = new[] { "1", "3" }.Select(year =>
            {
                var inputs = contract.Inputs.ToDictionary(i => i.Name, i => MsspConformance.Inputs.Single(s => s.Input == i.Name).Text(row));
                inputs["two_sided_year"] = year;
                return SettlementEngine.Settle(contract, new SettlementRequest { Year = row.Year, Inputs = inputs }).Statement!.Total;
            }).ToList();
            Assert.Equal(totals[0], totals[1]);
        }
    }

    [Fact]
    public void Command_prints_the_report_and_exits_0()
    {
        if (ReferenceFolder() is not { } folder)
        {
            return;
        }
        var (exit, output, error) = Run("conformance", "mssp", "--reference", folder, "--contracts", ContractsFolder);
        Assert.True(exit == Program.Success, error);
        Assert.Contains("RESULT: 2,006 of 2,011 rows match", output);
        Assert.Contains("| 2021 | A1515 | basic_c |", output);
    }

    [Fact]
    public void Command_exits_1_and_flags_unexplained_rows_when_a_contract_is_wrong()
    {
        if (ReferenceFolder() is not { } folder)
        {
            return;
        }
        // A copy of the contracts where Track 1 shares 40% instead of 50%: its savings rows no longer match.
        string copy = Path.Combine(Path.GetTempPath(), $"vbc-mssp-tracks-{Guid.NewGuid():N}");
        Directory.CreateDirectory(copy);
        try
        {
            foreach (var file in Directory.GetFiles(ContractsFolder, "*.vbc"))
            {
                string text = File.ReadAllText(file);
                if (Path.GetFileName(file) == "track-1.vbc")
                {
                    Assert.Contains("then 50% * quality_score else 50%", text);
                    text = text.Replace("then 50% * quality_score else 50%", "then 40% * quality_score else 40%");
                }
                File.WriteAllText(Path.Combine(copy, Path.GetFileName(file)), text);
            }
            var (exit, output, _) = Run("conformance", "mssp", "--reference", folder, "--contracts", copy);
            Assert.Equal(Program.ContractOrDataErrors, exit);
            Assert.Contains("FAILED", output);
            Assert.Contains("| UNEXPLAINED |", output);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Command_says_plainly_and_exits_2_when_the_reference_folder_is_absent()
    {
        string absent = Path.Combine(Path.GetTempPath(), "vbc-no-such-reference-" + Guid.NewGuid().ToString("N"));
        var (exit, output, error) = Run("conformance", "mssp", "--reference", absent, "--contracts", ContractsFolder);
        Assert.Equal(Program.UsageErrors, exit);
        Assert.Equal("", output);
        Assert.Contains("was NOT run", error);
        Assert.Contains(absent, error);
    }

    [Fact]
    public void Command_writes_the_report_to_a_file()
    {
        if (ReferenceFolder() is not { } folder)
        {
            return;
        }
        string file = Path.Combine(Path.GetTempPath(), $"vbc-mssp-{Guid.NewGuid():N}.txt");
        try
        {
            var (exit, output, _) = Run("conformance", "mssp", "--reference", folder, "--contracts", ContractsFolder, "--out", file);
            Assert.Equal(Program.Success, exit);
            Assert.Equal("", output);
            Assert.StartsWith("MSSP conformance", File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
