using System.CommandLine;
using System.Globalization;
using Vbc.Conformance;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc conformance mssp [--reference DIR] [--contracts DIR] [--out FILE]</c>: settles CMS's published MSSP results
/// with the track contracts and reports how many match. Exit code 0 when at least 2,005 of the rows match, 1 when
/// fewer do, 2 when the reference folder (or the contracts) cannot be found.
/// </summary>
internal static class ConformanceCommand
{
    public static Command Create(Streams console)
    {
        var reference = new Option<string>("--reference")
        {
            Description = $"The folder holding CMS's {MsspConformance.ReferenceFileName} (default: ../shared/reference/mssp beside the repository root).",
        };
        var contracts = new Option<string>("--contracts")
        {
            Description = "The folder of the MSSP track contracts (default: contracts/mssp-tracks in the repository).",
        };
        var output = new Option<string>("--out") { Description = "Write the report to this file instead of the terminal." };
        var mssp = new Command("mssp",
            "Settle every row of CMS's published Shared Savings Program results (2018-2021) with the contract of its track and compare the total with CMS's " +
            "earned savings or owed losses, within max($5, 0.05%). Prints the match count, a breakdown by year and track, and every row that does not match with " +
            $"the reason. Exit code 0 when at least {MsspConformance.RequiredMatches:#,##0} rows match, 1 when fewer do, 2 when the reference folder or the contracts are missing.")
        {
            reference,
            contracts,
            output,
        };
        mssp.SetAction(parse => RunMssp(console, parse.GetValue(reference), parse.GetValue(contracts), parse.GetValue(output)));
        return new Command("conformance", "Check the contracts against published results of real programs (docs/conformance.md).")
        {
            mssp,
        };
    }

    internal static int RunMssp(Streams console, string? reference, string? contracts, string? output)
    {
        string? root = RepositoryLayout.FindRoot(Directory.GetCurrentDirectory())
            ?? RepositoryLayout.FindRoot(AppContext.BaseDirectory);

        if (reference is null && root is null)
        {
            console.Error.WriteLine("vbc: cannot find the repository root (a folder with Dsl.sln) from here, so the default reference folder is unknown: " +
                "give it with --reference DIR. The MSSP conformance check was not run.");
            return Program.UsageErrors;
        }
        string referenceFolder = Path.GetFullPath(reference ?? RepositoryLayout.MsspReferenceFolder(root!));
        string referenceFile = MsspConformance.ReferenceFile(referenceFolder);
        if (!Directory.Exists(referenceFolder) || !File.Exists(referenceFile))
        {
            string what = Directory.Exists(referenceFolder) ? $"the folder {referenceFolder} has no {MsspConformance.ReferenceFileName}" : $"the reference folder {referenceFolder} does not exist";
            console.Error.WriteLine($"vbc: the MSSP conformance check was NOT run: {what}.");
            console.Error.WriteLine($"It needs CMS's published MSSP results ({MsspConformance.ReferenceFileName}), which are kept outside the repository " +
                "(../shared/reference/mssp beside its root) and never copied into it. Give the folder with --reference DIR.");
            return Program.UsageErrors;
        }

        if (contracts is null && root is null)
        {
            console.Error.WriteLine("vbc: cannot find the repository root (a folder with Dsl.sln) from here: give the track contracts' folder with --contracts DIR.");
            return Program.UsageErrors;
        }
        string contractsFolder = Path.GetFullPath(contracts ?? RepositoryLayout.MsspContractsFolder(root!));
        if (!Directory.Exists(contractsFolder))
        {
            console.Error.WriteLine($"vbc: the contracts folder {contractsFolder} does not exist: give it with --contracts DIR.");
            return Program.UsageErrors;
        }

        if (output is not null && CliFiles.OutputProblem(output, Directory.GetFiles(contractsFolder, "*", SearchOption.AllDirectories).Append(referenceFile)) is { } outProblem)
        {
            console.Error.WriteLine(outProblem);
            return Program.UsageErrors;
        }
        var report = MsspConformance.Run(referenceFolder, contractsFolder);
        string text = report.ToText();
        var inputs = Directory.GetFiles(contractsFolder, "*", SearchOption.AllDirectories).Append(referenceFile);
        int written = CliFiles.WriteResult(console, output, text, inputs);
        if (written != Program.Success)
        {
            return written;
        }
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Matched:#,##0} of {report.Total:#,##0} rows match ({report.Unexplained.Count()} unexplained); {report.Total:#,##0} settlements in {report.SettlementTime.TotalSeconds:0.00} s."));
        return report.MeetsThreshold ? Program.Success : Program.ContractOrDataErrors;
    }
}
