using System.CommandLine;
using System.Globalization;
using System.Text;
using Vbc.Curves;
using Vbc.Reports;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Cli.Commands;

/// <summary>
/// <c>vbc curve CONTRACT [--vs OTHER] --data FILE [--input NAME=VALUE]... [--driver savings-rate|quality]
/// [--from X --to Y --points N] [--format text|json|svg]</c>: the settlement in dollars as a function of the
/// performance driver, from the contract's own arithmetic, with its kinks named and its properties checked.
/// </summary>
internal static class CurveCommand
{
    public static Command Create(Streams console)
    {
        var contract = new Argument<string>("contract") { Description = "The contract (.vbc)." };
        var vs = new Option<string>("--vs") { Description = "Another version of the contract, drawn on the same data for comparison." };
        var data = new Option<string>("--data") { Description = "Member-level data (CSV): it fixes the benchmark, member months and population." };
        var claims = new Option<string>("--claims") { Description = "A long claims file, as for settle." };
        var input = new Option<string[]>("--input") { Description = "An input value, NAME=VALUE (repeatable), as for settle.", AllowMultipleArgumentsPerToken = false };
        var year = NumberOption.Optional<int>("--year", "The performance year (default: the year of the contract period).", "a year such as 2024");
        var driver = new Option<string>("--driver") { Description = "savings-rate (default): moves the actual cost; quality: moves the quality score." };
        driver.AcceptOnlyFromAmong("savings-rate", "quality");
        var from = new Option<string>("--from") { Description = "Start of the driver's range, as a percent (default -20% for savings rate, 0% for quality)." };
        var to = new Option<string>("--to") { Description = "End of the driver's range (default 20% for savings rate, 100% for quality)." };
        var points = NumberOption.Optional<int>("--points", "Points on the grid, 2 to 100,000 (default 401 for savings rate, 101 for quality).", "a whole number such as 401");
        var format = new Option<string>("--format") { Description = "text (default), json (schema vbc-curve/1) or svg (a chart)." };
        format.AcceptOnlyFromAmong("text", "json", "svg");
        var output = new Option<string>("--out") { Description = "Write the result to this file instead of the terminal." };
        var command = new Command("curve",
            "Draw a contract's payout curve: the settlement as a function of the savings rate (or quality score), computed by the contract's own arithmetic, "
            + "with each kink named (minimum savings rate, caps, band edges, gates) and its properties checked. Exit 0 on success, 1 when a contract or its data has errors, 2 on usage or file errors.")
        {
            contract, vs, data, claims, input, year, driver, from, to, points, format, output,
        };
        command.SetAction(parse => Run(console, parse.GetValue(contract)!, parse.GetValue(vs), parse.GetValue(data), parse.GetValue(claims),
            parse.GetValue(input) ?? Array.Empty<string>(), parse.GetValue(year), parse.GetValue(driver) ?? "savings-rate",
            parse.GetValue(from), parse.GetValue(to), parse.GetValue(points), parse.GetValue(format) ?? "text", parse.GetValue(output)));
        return command;
    }

    private static int Run(Streams console, string contractPath, string? vsPath, string? dataPath, string? claimsPath, IReadOnlyList<string> inputs,
        int? year, string driverName, string? fromText, string? toText, int? pointCount, string format, string? output)
    {
        var driver = driverName == "quality" ? CurveDriver.Quality : CurveDriver.SavingsRate;
        decimal from = driver == CurveDriver.Quality ? 0m : -0.20m, to = driver == CurveDriver.Quality ? 1m : 0.20m;
        if ((fromText is not null && Percent(fromText) is null) || (toText is not null && Percent(toText) is null))
        {
            console.Error.WriteLine($"vbc: --from and --to take a percent such as -20% or 15% (got '{fromText ?? toText}').");
            return Program.UsageErrors;
        }
        from = fromText is null ? from : Percent(fromText)!.Value;
        to = toText is null ? to : Percent(toText)!.Value;
        int n = pointCount ?? (driver == CurveDriver.Quality ? 101 : 401);
        if (to <= from || n < 2 || n > 100_000)
        {
            console.Error.WriteLine(to <= from ? $"vbc: --from ({Display.Percent(from)}) must be below --to ({Display.Percent(to)})." : "vbc: --points takes a whole number from 2 to 100,000.");
            return Program.UsageErrors;
        }
        var given = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in inputs)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0 || !given.TryAdd(pair[..eq].Trim(), pair[(eq + 1)..].Trim()))
            {
                console.Error.WriteLine($"vbc: --input takes NAME=VALUE, once per name; got '{pair}'.");
                return Program.UsageErrors;
            }
        }
        foreach (var (file, what) in new[] { (contractPath, "contract"), (vsPath, "contract"), (dataPath, "data"), (claimsPath, "claims") })
        {
            if (file is not null && CliFiles.InputProblem(file, what) is { } problem)
            {
                console.Error.WriteLine(problem);
                return Program.UsageErrors;
            }
        }

        var curves = new List<(string Path, PayoutCurve Curve)>();
        foreach (var path in new[] { contractPath, vsPath }.OfType<string>())
        {
            var contract = Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(path));
            if (contract.HasErrors)
            {
                SettleCommand.Report(console, contract.Diagnostics.Where(d => d.IsError));
                return Program.ContractOrDataErrors;
            }
            if (contract.HasSeveralTables)
            {
                console.Error.WriteLine($"vbc: '{path}' reads several tables: curves are drawn for contracts with one table in this version.");
                return Program.UsageErrors;
            }
            using var source = dataPath is null ? null : new CsvMemberSource(dataPath, claimsPath);
            // The contract's own inputs only: a --vs version may not declare all of them.
            var own = given.Where(g => contract.Inputs.Any(i => i.Name.Equals(g.Key, StringComparison.OrdinalIgnoreCase))).ToDictionary(g => g.Key, g => g.Value, StringComparer.OrdinalIgnoreCase);
            var result = PayoutCurves.Compute(contract, new SettlementRequest { Year = year, Inputs = vsPath is null ? given : own, Data = source }, driver, from, to, n);
            if (!result.Base.Succeeded)
            {
                SettleCommand.Report(console, result.Base.Diagnostics);
                return result.Base.IsUsageError ? Program.UsageErrors : Program.ContractOrDataErrors;
            }
            if (result.Curve is null)
            {
                // The driver does not apply to this contract: how it was asked for, not a problem in the contract.
                console.Error.WriteLine($"vbc: {path}: {result.Problem}");
                return Program.UsageErrors;
            }
            curves.Add((path, result.Curve));
        }
        string text = format switch
        {
            "json" => CurveWriters.Json(curves),
            "svg" => CurveWriters.Svg(curves),
            _ => CurveWriters.Text(curves),
        };
        return CliFiles.WriteResult(console, output, text, new[] { contractPath, vsPath, dataPath, claimsPath });
    }

    private static decimal? Percent(string text)
    {
        text = text.Trim();
        bool percent = text.EndsWith('%');
        return decimal.TryParse(percent ? text[..^1] : text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)
            && Math.Abs(v) < 1_000_000m ? (percent ? v / 100 : v) : null;
    }
}
