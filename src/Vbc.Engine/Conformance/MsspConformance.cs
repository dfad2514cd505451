using System.Diagnostics;
using System.Globalization;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Conformance;

/// <summary>Which contract settles a CMS track.</summary>
public sealed record MsspTrack(string Track, string ContractFile);

/// <summary>Where a contract input comes from in a CMS row: the column (or a stand-in, said plainly) and its text.</summary>
public sealed record MsspInputSource(string Input, string Source, Func<MsspRow, string> Text);

/// <summary>
/// The conformance check of the MSSP track contracts against CMS's published results: every row of the reference
/// file is settled, through the public engine, by the contract of its track (the MSSP track contracts), and the
/// statement's total is compared with CMS's <c>earnsaveloss</c>. Where the contracts and the reference file lie is the
/// caller's to say (the CLI knows the repository's layout: src/vbc/RepositoryLayout.cs). All of the arithmetic is the contracts'; this
/// class only maps columns to inputs, compares, and says why a row that does not match differs.
/// </summary>
public static class MsspConformance
{
    public const string ReferenceFileName = "mssp_results_2018_2021.csv";

    /// <summary>The rows in CMS's file for 2018-2021.</summary>
    public const int ExpectedRows = 2011;

    /// <summary>Fewer matching rows than this is a failure (the command exits with 1).</summary>
    public const int RequiredMatches = 2005;

    /// <summary>The value the check gives <c>two_sided_year</c> (Track 2's loss limit), which CMS does not publish.</summary>
    public const int TwoSidedYearStandIn = 3;

    public static IReadOnlyList<MsspTrack> Tracks { get; } = new[]
    {
        new MsspTrack("track_1", "track-1.vbc"),
        new MsspTrack("track_1_plus", "track-1-plus.vbc"),
        new MsspTrack("track_2", "track-2.vbc"),
        new MsspTrack("track_3", "track-3.vbc"),
        new MsspTrack("basic_a", "basic-a-b.vbc"),
        new MsspTrack("basic_b", "basic-a-b.vbc"),
        new MsspTrack("basic_c", "basic-c.vbc"),
        new MsspTrack("basic_d", "basic-d.vbc"),
        new MsspTrack("basic_e", "basic-e.vbc"),
        new MsspTrack("enhanced", "enhanced.vbc"),
    };

    /// <summary>
    /// Each contract input and where it comes from. A contract is given only the inputs it declares. CMS's cells are
    /// passed as CMS wrote them; the engine reads each by the type the contract declares.
    /// </summary>
    public static IReadOnlyList<MsspInputSource> Inputs { get; } = new[]
    {
        new MsspInputSource("benchmark_total", "abtotbnchmk", r => r.Cells["abtotbnchmk"]),
        new MsspInputSource("expenditure_total", "abtotexp", r => r.Cells["abtotexp"]),
        new MsspInputSource("assigned_beneficiaries", "n_ab", r => r.Cells["n_ab"]),
        new MsspInputSource("minimum_rate", "minsavperc", r => r.Cells["minsavperc"]),
        new MsspInputSource("quality_score", "qualscore", r => r.Cells["qualscore"]),
        new MsspInputSource("quality_standard_met", "met_qps", r => r.Cells["met_qps"]),
        new MsspInputSource("disaster_adjustment", "disadj (empty: 0)", r => r.Cells["disadj"].Length == 0 ? "0" : r.Cells["disadj"]),
        new MsspInputSource("participant_revenue",
            "not published: abtotbnchmk stands in, so the revenue-based part of a loss limit is never the smaller and only the benchmark-based part can bind",
            r => r.Cells["abtotbnchmk"]),
        new MsspInputSource("two_sided_year",
            $"not published: {TwoSidedYearStandIn} (Track 2's 10% loss limit); no Track 2 loss in the file reaches even the first year's 5%",
            _ => TwoSidedYearStandIn.ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>The tolerance of a match: max($5, 0.05% of the published amount).</summary>
    public static decimal Tolerance(decimal published) => Math.Max(5m, 0.0005m * Math.Abs(published));

    public static string ReferenceFile(string referenceFolder) => Path.Combine(referenceFolder, ReferenceFileName);

    /// <summary>Reads the reference file and settles every row. The reference file must exist (check it first).</summary>
    public static MsspReport Run(string referenceFolder, string contractsFolder)
    {
        string file = ReferenceFile(referenceFolder);
        var (rows, readProblems) = MsspRow.ReadFile(file);
        var contracts = MsspContracts.Load(contractsFolder);
        var clock = Stopwatch.StartNew();
        var results = rows.Select(contracts.Settle).ToList();
        clock.Stop();
        return new MsspReport(file, contractsFolder, results, readProblems.Concat(contracts.Problems).ToList(), clock.Elapsed);
    }
}

/// <summary>
/// The MSSP track contracts, each parsed and bound once, ready to settle any number of rows.
/// </summary>
public sealed class MsspContracts
{
    private readonly Dictionary<string, (string File, BoundContract? Contract)> _byTrack = new(StringComparer.OrdinalIgnoreCase);

    private MsspContracts(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>Contracts that are missing or have errors, said plainly; their rows are reported as not settled.</summary>
    public IReadOnlyList<string> Problems { get; private set; } = Array.Empty<string>();

    public static MsspContracts Load(string folder)
    {
        var loaded = new MsspContracts(folder);
        var problems = new List<string>();
        var bound = new Dictionary<string, BoundContract?>(StringComparer.Ordinal);
        foreach (var track in MsspConformance.Tracks)
        {
            if (!bound.TryGetValue(track.ContractFile, out var contract))
            {
                string path = Path.Combine(folder, track.ContractFile);
                if (!File.Exists(path))
                {
                    problems.Add($"{path}: the contract for {track.Track} does not exist.");
                    contract = null;
                }
                else
                {
                    contract = Binder.Bind(ContractParser.ParseFile(path));
                    if (contract.HasErrors)
                    {
                        problems.Add($"{path} has errors:\n  " + string.Join("\n  ", contract.Diagnostics.Where(d => d.IsError)));
                        contract = null;
                    }
                }
                bound[track.ContractFile] = contract;
            }
            loaded._byTrack[track.Track] = (track.ContractFile, contract);
        }
        loaded.Problems = problems;
        return loaded;
    }

    /// <summary>The bound contract of a track, or null when the track is unknown or its contract failed to load.</summary>
    public BoundContract? ContractFor(string track) => _byTrack.TryGetValue(track, out var c) ? c.Contract : null;

    /// <summary>Settles one row with its track's contract and compares the total with CMS's figure.</summary>
    public MsspRowResult Settle(MsspRow row)
    {
        if (!_byTrack.TryGetValue(row.Track, out var entry))
        {
            return MsspRowResult.NotSettled(row, "", $"no contract for the track '{row.Track}'");
        }
        if (entry.Contract is not { } contract)
        {
            return MsspRowResult.NotSettled(row, entry.File, $"the contract {entry.File} could not be loaded");
        }
        var inputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var input in contract.Inputs)
        {
            var source = MsspConformance.Inputs.FirstOrDefault(s => s.Input.Equals(input.Name, StringComparison.OrdinalIgnoreCase));
            if (source is null)
            {
                return MsspRowResult.NotSettled(row, entry.File, $"the contract declares the input '{input.Name}', which the mapping from CMS's columns does not give");
            }
            inputs[input.Name] = source.Text(row);
        }
        var result = SettlementEngine.Settle(contract, new SettlementRequest { Year = row.Year, Inputs = inputs, Organisation = row.AcoId });
        if (result.Statement is not { } statement)
        {
            return MsspRowResult.NotSettled(row, entry.File, string.Join(" | ", result.Diagnostics.Select(d => d.Message)));
        }
        return MsspRowResult.Compare(row, entry.File, statement);
    }
}
