using System.Globalization;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Independent;

/// <summary>
/// A row of a seed file, read by <see cref="SeedFile"/>: cells by column name. Money is dollars and cents,
/// flags are 0 or 1.
/// </summary>
internal sealed class SeedRow(IReadOnlyDictionary<string, int> columns, string[] cells)
{
    public string Text(string column) => cells[columns[column]];

    public decimal Number(string column) => decimal.Parse(cells[columns[column]], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public bool Flag(string column) => cells[columns[column]] switch
    {
        "1" => true,
        "0" => false,
        var other => throw new FormatException($"'{column}' is not a flag: '{other}'"),
    };

    public decimal Months => Number("member_months");

    /// <summary>The sum of the given money columns.</summary>
    public decimal Sum(IEnumerable<string> columnNames) => columnNames.Sum(Number);
}

/// <summary>
/// The seed files read with the simplest parser there is (the files are ASCII, comma-separated, unquoted, one
/// header row): nothing from the engine's CSV reader is used, so a fault there cannot hide a fault here.
/// </summary>
internal static class SeedFile
{
    private static readonly Dictionary<string, IReadOnlyList<SeedRow>> Cache = new();

    public static IReadOnlyList<SeedRow> Read(string fileName)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(fileName, out var cached))
            {
                return cached;
            }
            var lines = File.ReadAllLines(Golden.PathOf("seeds", fileName));
            var header = lines[0].Split(',');
            var columns = header.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
            var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l =>
            {
                var cells = l.Split(',');
                Assert.Equal(header.Length, cells.Length);
                return new SeedRow(columns, cells);
            }).ToList();
            Cache[fileName] = rows;
            return rows;
        }
    }
}

/// <summary>Arithmetic written from the domain description, not from the engine.</summary>
internal static class Arithmetic
{
    /// <summary>
    /// Excel's PERCENTILE.INC: sort ascending; rank h = (n - 1) x p (0-based); the value at floor(h) plus the
    /// fraction of h times the step to the next value.
    /// </summary>
    public static decimal PercentileInc(IEnumerable<decimal> values, decimal p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        Assert.NotEmpty(sorted);
        decimal h = (sorted.Length - 1) * p;
        int k = (int)decimal.Floor(h);
        decimal fraction = h - k;
        return k + 1 < sorted.Length ? sorted[k] + fraction * (sorted[k + 1] - sorted[k]) : sorted[k];
    }

    /// <summary>To cents, half away from zero, by integer arithmetic on the cents (no Math.Round).</summary>
    public static decimal Cents(decimal amount)
    {
        decimal magnitude = Math.Abs(amount) * 100m;
        decimal whole = decimal.Truncate(magnitude);
        if (magnitude - whole >= 0.5m)
        {
            whole += 1;
        }
        return amount < 0 ? -whole / 100m : whole / 100m;
    }
}

/// <summary>
/// Who is in the population and where every dollar went, worked out from the rows: the include conditions, then
/// the exclude conditions, then member months above zero (the first reason that applies is the one reported),
/// each member's cost = categories - carve-outs, capped at a percentile of the population's member costs.
/// </summary>
internal sealed class PopulationFigures
{
    public required int RowsRead { get; init; }
    public required List<SeedRow> Members { get; init; }
    public required Dictionary<string, (int Rows, decimal Cost)> Excluded { get; init; }
    public required decimal InputCost { get; init; }
    public required decimal CarvedOut { get; init; }
    public required decimal? Threshold { get; init; }
    public required int MembersTruncated { get; init; }
    public required decimal TruncatedExcess { get; init; }
    public required decimal Counted { get; init; }
    public required decimal MemberMonths { get; init; }
    public required List<decimal> MemberCosts { get; init; }

    /// <summary>Sum of risk score x member months over the population.</summary>
    public decimal RiskMonths => Members.Sum(m => m.Number("risk_score") * m.Months);

    public static PopulationFigures Compute(
        IReadOnlyList<SeedRow> rows,
        (string Reason, Func<SeedRow, bool> Holds)[] includes,
        (string Reason, Func<SeedRow, bool> Holds)[] excludes,
        string[] categories,
        string[] carveOuts,
        decimal? percentile)
    {
        var excluded = new Dictionary<string, (int Rows, decimal Cost)>();
        void Exclude(string reason, decimal cost)
        {
            var (n, c) = excluded.GetValueOrDefault(reason);
            excluded[reason] = (n + 1, c + cost);
        }
        var members = new List<SeedRow>();
        var costs = new List<decimal>();
        decimal input = 0, carved = 0;
        foreach (var row in rows)
        {
            decimal cost = row.Sum(categories);
            input += cost;
            var failedInclude = includes.FirstOrDefault(i => !i.Holds(row));
            var metExclude = excludes.FirstOrDefault(e => e.Holds(row));
            if (failedInclude.Reason is { } notIncluded)
            {
                Exclude("not included: " + notIncluded, cost);
            }
            else if (metExclude.Reason is { } reason)
            {
                Exclude("excluded: " + reason, cost);
            }
            else if (row.Months <= 0)
            {
                Exclude("no member months", cost);
            }
            else
            {
                decimal carve = row.Sum(carveOuts);
                carved += carve;
                members.Add(row);
                costs.Add(cost - carve);
            }
        }
        decimal? threshold = percentile is { } p ? Arithmetic.PercentileInc(costs, p / 100m) : null;
        decimal counted = 0, excess = 0;
        int truncated = 0;
        foreach (var c in costs)
        {
            if (threshold is { } t && c > t)
            {
                counted += t;
                excess += c - t;
                truncated++;
            }
            else
            {
                counted += c;
            }
        }
        return new PopulationFigures
        {
            RowsRead = rows.Count,
            Members = members,
            Excluded = excluded,
            InputCost = input,
            CarvedOut = carved,
            Threshold = threshold,
            MembersTruncated = truncated,
            TruncatedExcess = excess,
            Counted = counted,
            MemberMonths = members.Sum(m => m.Months),
            MemberCosts = costs,
        };
    }

    /// <summary>The engine's population summary agrees with these figures, and the dollars are conserved.</summary>
    public void AssertMatches(PopulationSummary population, bool costClause = true)
    {
        Assert.Equal(RowsRead, population.RowsRead);
        Assert.Equal(Members.Count, population.Members);
        Assert.Equal(MemberMonths, population.MemberMonths);
        foreach (var (reason, (rows, cost)) in Excluded)
        {
            var exclusion = Assert.Single(population.Exclusions, e => e.Reason == reason);
            Assert.Equal(rows, exclusion.Rows);
            Assert.Equal(costClause ? cost : 0m, exclusion.Cost);
        }
        Assert.Equal(Excluded.Values.Sum(e => e.Rows), population.ExcludedRows);
        if (!costClause)
        {
            // Without a cost clause no dollars are counted at all.
            Assert.Equal(0m, population.InputCost);
            Assert.Equal(0m, population.CountedCost);
            return;
        }
        Assert.Equal(InputCost, population.InputCost);
        Assert.Equal(Excluded.Values.Sum(e => e.Cost), population.ExcludedCost);
        Assert.Equal(CarvedOut, population.CarvedOut);
        Assert.Equal(Threshold, population.TruncationThreshold);
        Assert.Equal(MembersTruncated, population.MembersTruncated);
        Assert.Equal(TruncatedExcess, population.TruncatedExcess);
        Assert.Equal(Counted, population.CountedCost);
        // Step 4, dollar conservation: input = excluded + carved out + truncated excess + counted, exactly.
        Assert.Equal(InputCost, Excluded.Values.Sum(e => e.Cost) + CarvedOut + TruncatedExcess + Counted);
        Assert.Equal(population.InputCost, population.ExcludedCost + population.CarvedOut + population.TruncatedExcess + population.CountedCost);
        Assert.True(population.Conserved);
    }
}

/// <summary>Settles an example contract over a seed file, and reads its statement.</summary>
internal static class Example
{
    public static Statement Settle(string contractFile, string dataFile, int? year = null, params (string Name, string Value)[] inputs) =>
        Settle(Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf("contracts", contractFile))), dataFile, year, inputs);

    /// <summary>Settles contract text written in the test (an example with some terms changed).</summary>
    public static Statement SettleText(string text, string dataFile, int? year = null, params (string Name, string Value)[] inputs) =>
        Settle(Binder.Bind(ContractParser.Parse(text, "changed.vbc")), dataFile, year, inputs);

    private static Statement Settle(BoundContract contract, string dataFile, int? year, (string Name, string Value)[] inputs)
    {
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        using var data = new CsvMemberSource(Golden.PathOf("seeds", dataFile));
        var result = SettlementEngine.Settle(contract, new SettlementRequest
        {
            Year = year,
            Inputs = inputs.ToDictionary(i => i.Name, i => i.Value),
            Data = data,
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Statement!;
    }

    /// <summary>Settles contract text with several tables, one seed file per table (members=members.csv, ...).</summary>
    public static Statement SettleTables(string text, params (string Table, string File)[] tables)
    {
        var contract = Binder.Bind(ContractParser.Parse(text, "tables.vbc"));
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        var sources = tables.ToDictionary(t => t.Table, t => new CsvMemberSource(Golden.PathOf("seeds", t.File)));
        try
        {
            var result = SettlementEngine.Settle(contract, new SettlementRequest
            {
                Tables = sources.ToDictionary(s => s.Key, s => (IMemberSource)s.Value),
            });
            Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
            return result.Statement!;
        }
        finally
        {
            foreach (var source in sources.Values)
            {
                source.Dispose();
            }
        }
    }

    public static StatementLine Line(this Statement statement, string id)
    {
        var matches = statement.Lines.Where(l => l.Id == id).ToList();
        Assert.True(matches.Count == 1, $"expected one line '{id}', found {matches.Count}; lines: {string.Join(", ", statement.Lines.Select(l => l.Id))}");
        return matches[0];
    }

    public static bool HasLine(this Statement statement, string id) => statement.Lines.Any(l => l.Id == id);

    public static decimal Value(this Statement statement, string id) => statement.Line(id).Value!.Value;

    public static decimal Amount(this Statement statement, string id)
    {
        var line = statement.Line(id);
        Assert.Equal(LineKind.Component, line.Kind);
        return line.Amount!.Value;
    }

    /// <summary>
    /// A payment line: its exact value is the expected amount, its rounded amount is that rounded to cents half
    /// away from zero (by <see cref="Arithmetic.Cents"/>).
    /// </summary>
    public static void AssertComponent(this Statement statement, string id, decimal expectedExact)
    {
        Assert.Equal(expectedExact, statement.Value(id));
        Assert.Equal(Arithmetic.Cents(expectedExact), statement.Amount(id));
    }

    /// <summary>
    /// The total is the sum of the rounded payment lines (step 15), and equals the expected total.
    /// </summary>
    public static void AssertTotal(this Statement statement, decimal expected)
    {
        Assert.Equal(statement.Components.Sum(c => Arithmetic.Cents(c.Value!.Value)), statement.Total);
        Assert.Equal(expected, statement.Total);
    }
}
