using System.Globalization;
using System.Text;
using Vbc.Data.Synthetic;

namespace Vbc.Tests.Synthetic;

/// <summary>
/// The committed seeds/*.csv files must be exactly what the generator writes with the options seeds/README.md
/// documents, and the README's statistics table must be computed from them. To accept an intended change, run
/// <c>VBC_UPDATE_SEEDS=1 dotnet test Dsl.sln --filter "FullyQualifiedName~Vbc.Tests.Synthetic.SeedFiles"</c>
/// and review the diff of seeds/.
/// </summary>
public class SeedFilesTests
{
    private const string UpdateVariable = "VBC_UPDATE_SEEDS";
    private const string UpdateCommand =
        UpdateVariable + "=1 dotnet test Dsl.sln --filter \"FullyQualifiedName~Vbc.Tests.Synthetic.SeedFiles\"";

    /// <summary>Each committed file, the CLI command documented for it, and the same options through the API.</summary>
    private static readonly (string File, string Command, Action<Stream> Write)[] Seeds =
    [
        ("members.csv",
            "generate members --members 5000 --seed 20240101 --organisations 3 --profile medicare --out seeds/members.csv",
            s => MemberDataGenerator.Write(s, new() { Members = 5_000, Seed = 20240101, Organisations = 3, Profile = PopulationProfile.Medicare })),
        ("members-commercial.csv",
            "generate members --members 3000 --seed 20240102 --profile commercial --out seeds/members-commercial.csv",
            s => MemberDataGenerator.Write(s, new() { Members = 3_000, Seed = 20240102, Profile = PopulationProfile.Commercial })),
        ("episodes.csv",
            "generate episodes --episodes 1500 --seed 20240103 --year 2024 --out seeds/episodes.csv",
            s => EpisodeDataGenerator.Write(s, new() { Episodes = 1_500, Seed = 20240103, Year = 2024 })),
        ("aco_inputs.csv",
            "generate aco-inputs --acos 24 --seed 20240104 --out seeds/aco_inputs.csv",
            s => AcoInputsGenerator.Write(s, new() { Acos = 24, Seed = 20240104 })),
    ];

    public static TheoryData<string> Files => [.. Seeds.Select(s => s.File)];

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    private static string SeedsFolder => Path.Combine(SyntheticCsv.RepositoryRoot(), "seeds");

    private static byte[] Generated(string file)
    {
        using var stream = new MemoryStream();
        Seeds.Single(s => s.File == file).Write(stream);
        return stream.ToArray();
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Committed_file_is_what_the_documented_options_generate(string file)
    {
        byte[] expected = Generated(file);
        string path = Path.Combine(SeedsFolder, file);
        if (Updating)
        {
            File.WriteAllBytes(path, expected);
        }
        Assert.True(File.Exists(path), $"seeds/{file} is missing; write it with: {UpdateCommand}");
        Assert.True(new FileInfo(path).Length < 1_500_000, $"seeds/{file} should stay small");
        if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(expected))
        {
            Assert.Fail($"seeds/{file} is not what `{Seeds.Single(s => s.File == file).Command}` writes. " +
                        $"If the generator changed on purpose, regenerate with: {UpdateCommand} and review the diff.");
        }
    }

    [Fact]
    public void Every_episode_belongs_to_a_member_of_members_csv()
    {
        // The two files are the members and episodes tables of one contract: no episode may lack its member.
        static List<string[]> Rows(string file) =>
            File.ReadAllLines(Path.Combine(SeedsFolder, file)).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        var header = File.ReadLines(Path.Combine(SeedsFolder, "episodes.csv")).First().Split(',');
        int memberColumn = Array.IndexOf(header, "member_id");
        var members = Rows("members.csv").Select(r => r[0]).ToHashSet(StringComparer.Ordinal);
        var episodes = Rows("episodes.csv");
        Assert.Equal(1500, episodes.Count);
        var orphans = episodes.Where(e => !members.Contains(e[memberColumn])).Select(e => e[0]).ToList();
        Assert.Empty(orphans);
    }

    [Fact]
    public void Readme_documents_each_command_and_the_statistics_of_the_committed_files()
    {
        string path = Path.Combine(SeedsFolder, "README.md");
        string readme = File.ReadAllText(path).ReplaceLineEndings("\n");
        const string begin = "<!-- statistics: written by SeedFilesTests -->\n", end = "<!-- end of statistics -->";
        int from = readme.IndexOf(begin, StringComparison.Ordinal), to = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "seeds/README.md lost its statistics markers");
        string table = StatisticsTable();
        if (Updating)
        {
            readme = readme[..(from + begin.Length)] + table + readme[to..];
            File.WriteAllText(path, readme);
        }
        Assert.True(readme[(from + begin.Length)..to] == table,
            $"The statistics in seeds/README.md are stale; rewrite them with: {UpdateCommand}\nExpected:\n{table}");
        Assert.All(Seeds, s => Assert.Contains(s.Command, readme));
    }

    /// <summary>The markdown tables of summary statistics, computed from the generated (= committed) files.</summary>
    private static string StatisticsTable()
    {
        static string Pct(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        static string Money(decimal value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture);
        static string Count(long value) => value.ToString("#,##0", CultureInfo.InvariantCulture);
        static SyntheticCsv Read(string file) => SyntheticCsv.From(s => Seeds.Single(x => x.File == file).Write(s));

        var text = new StringBuilder();
        text.Append("| file | members | member months | total cost | mean PMPM | mean cost, full-year member | enrolled with zero cost | costliest 1% share | over $250,000 | 0 months | not attributed | ESRD | hospice | any of these four |\n");
        text.Append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        foreach (string file in new[] { "members.csv", "members-commercial.csv" })
        {
            var s = MemberSummary.Of(Read(file));
            text.Append(CultureInfo.InvariantCulture,
                $"| {file} | {Count(s.Members)} | {Count(s.MemberMonths)} | {Money(s.TotalCost)} | {Money(Math.Round(s.Pmpm, 2))} | {Money(Math.Round(s.MeanFullYearCost, 2))} | {Pct(s.ZeroCostShare)} | {Pct(s.TopOnePercentShare)} | {s.CountAbove(250_000m)} | {Pct(s.ZeroMonthsShare)} | {Pct(s.Share("attributed", v => v == "0"))} | {Pct(s.Share("esrd", v => v == "1"))} | {Pct(s.Share("hospice", v => v == "1"))} | {Pct(s.ExclusionShare)} |\n");
        }

        text.Append("\n| file | diabetes control (hba1c) | breast cancer screening (bcs) | blood pressure control (cbp) | follow-up after MH stay (fuh) |\n");
        text.Append("|---|--:|--:|--:|--:|\n");
        foreach (string file in new[] { "members.csv", "members-commercial.csv" })
        {
            var s = MemberSummary.Of(Read(file));
            string Measure(string m) => $"{Count(s.Sum(m + "_num"))} / {Count(s.Sum(m + "_den"))} = {Pct(s.Rate(m))}";
            text.Append(CultureInfo.InvariantCulture, $"| {file} | {Measure("hba1c")} | {Measure("bcs")} | {Measure("cbp")} | {Measure("fuh")} |\n");
        }

        var episodes = Read("episodes.csv");
        text.Append("\n| episodes.csv: episode_type | episodes | mean episode_cost | readmitted |\n|---|--:|--:|--:|\n");
        foreach (var group in episodes.Rows.GroupBy(r => r[3]).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {group.Key} | {Count(group.Count())} | {Money(Math.Round(group.Average(r => SyntheticCsv.Number(r[5])), 2))} | {Pct(group.Average(r => r[6] == "1" ? 1.0 : 0.0))} |\n");
        }

        var acos = Read("aco_inputs.csv");
        decimal benchmark = acos.Values("benchmark_total").Sum(SyntheticCsv.Number);
        decimal expenditure = acos.Values("expenditure_total").Sum(SyntheticCsv.Number);
        var rates = acos.Rows.Select(r => 1 - SyntheticCsv.Number(r[4]) / SyntheticCsv.Number(r[3])).ToArray();
        text.Append("\n| aco_inputs.csv | value |\n|---|--:|\n");
        text.Append(CultureInfo.InvariantCulture, $"| ACOs | {acos.Rows.Length} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| assigned beneficiaries, total | {Count(acos.Values("assigned_beneficiaries").Sum(long.Parse))} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| benchmark total | {Money(benchmark)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| expenditure total | {Money(expenditure)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| ACOs below benchmark (savings) | {rates.Count(r => r > 0)} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| savings rate, lowest .. highest | {Pct((double)rates.Min())} .. {Pct((double)rates.Max())} |\n");
        text.Append(CultureInfo.InvariantCulture, $"| quality standard met | {acos.Values("quality_standard_met").Count(v => v == "1")} |\n");
        text.Append(CultureInfo.InvariantCulture,
            $"| tracks | {string.Join(", ", AcoInputsGenerator.Tracks.Select(t => $"{t} {acos.Values("track").Count(v => v == t)}"))} |\n");
        return text.ToString();
    }
}
