using System.CommandLine;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Scenarios;
using Vbc.Semantics;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc test [CONTRACT or FOLDER]...</c>: runs the scenarios kept beside each contract (<c>NAME.scenarios</c>,
/// docs/scenarios.md) and shows every figure that came out otherwise. Exit 0 when all pass, 1 when any fails,
/// 2 on usage or file errors (a path that does not exist, a contract without scenarios, a scenario file with errors).
/// </summary>
internal static class TestCommand
{
    public static Command Create(Streams console)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Contracts (.vbc) or folders of contracts; the scenarios of each are in NAME.scenarios beside it. Default: contracts/ in the working folder.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("test",
            "Run the scenarios of contracts: settle each scenario's data with its year and inputs and compare the payment lines with those it expects, to the cent. " +
            "Ends with 'N passed, M failed'. Exit code 0 when all pass, 1 when any fails, 2 on usage or file errors.")
        {
            paths,
        };
        command.SetAction(parse => Run(console, parse.GetValue(paths) ?? Array.Empty<string>()));
        return command;
    }

    private static int Run(Streams console, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            if (!Directory.Exists("contracts"))
            {
                console.Error.WriteLine("vbc: there is no contracts/ folder here: give the contracts or folders to test, for example 'vbc test contracts/mssp.vbc'.");
                return Program.UsageErrors;
            }
            paths = new[] { "contracts" };
        }
        var contracts = new List<string>();
        bool usage = false;
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*.vbc", SearchOption.AllDirectories)
                    .Where(f => File.Exists(ScenarioFile.PathFor(f)))
                    .OrderBy(f => f, StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    console.Error.WriteLine($"vbc: no contract in '{path}' has a scenario file (NAME{ScenarioFile.Extension} beside NAME.vbc).");
                    usage = true;
                }
                contracts.AddRange(found);
                continue;
            }
            // A scenario file given for its contract tests that contract.
            string contract = path.EndsWith(ScenarioFile.Extension, StringComparison.OrdinalIgnoreCase) ? Path.ChangeExtension(path, ".vbc") : path;
            if (CliFiles.InputProblem(contract, "contract") is { } problem)
            {
                console.Error.WriteLine(problem);
                usage = true;
            }
            else if (!File.Exists(ScenarioFile.PathFor(contract)))
            {
                console.Error.WriteLine($"vbc: '{contract}' has no scenarios: write them in '{ScenarioFile.PathFor(contract)}' (docs/scenarios.md).");
                usage = true;
            }
            else
            {
                contracts.Add(contract);
            }
        }

        int passed = 0, failed = 0;
        foreach (var path in contracts.Distinct(StringComparer.Ordinal))
        {
            var file = ScenarioFile.Read(ScenarioFile.PathFor(path));
            if (file.HasErrors)
            {
                console.Out.WriteLine(path);
                Report(console, file.Diagnostics);
                console.Out.WriteLine($"  the scenario file has errors: its scenarios were not run");
                usage = true;
                continue;
            }
            console.Out.WriteLine($"{path} ({Count(file.Scenarios.Count, "scenario")})");
            var contract = Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(path));
            if (contract.HasErrors)
            {
                Report(console, contract.Diagnostics.Where(d => d.IsError));
                foreach (var scenario in file.Scenarios)
                {
                    console.Out.WriteLine($"  FAIL  {scenario.Name}: the contract has errors");
                }
                failed += file.Scenarios.Count;
                continue;
            }
            foreach (var result in ScenarioRunner.Run(contract, file))
            {
                if (result.Passed)
                {
                    passed++;
                    console.Out.WriteLine($"  pass  {result.Scenario.Name}");
                    continue;
                }
                failed++;
                console.Out.WriteLine($"  FAIL  {result.Scenario.Name}");
                // Each reason on a line of its own, MSBuild style (file(line,col): error CODE: ...), so editors and CI can point at it.
                foreach (var problem in result.Problems)
                {
                    console.Out.WriteLine(problem);
                }
                foreach (var m in result.Mismatches)
                {
                    string expected = Display.Money(m.Expected.Amount);
                    console.Out.WriteLine(m.Actual is { } actual
                        ? ScenarioDiagnostics.WrongFigure(m.Expected.At, result.Scenario.Name, m.Expected.LineId, expected, Display.Money(actual), Signed(actual - m.Expected.Amount))
                        : ScenarioDiagnostics.NoSuchLine(m.Expected.At, result.Scenario.Name, m.Expected.LineId, expected, m.Nearest));
                }
            }
        }
        console.Out.WriteLine($"{passed} passed, {failed} failed");
        return usage ? Program.UsageErrors : failed > 0 ? Program.ContractOrDataErrors : Program.Success;
    }

    private static string Signed(decimal difference) => (difference > 0 ? "+" : "") + Display.Money(difference);

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    private static void Report(Streams console, IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            console.Out.WriteLine(d);
        }
    }
}
