using System.Globalization;
using Vbc.Data;

namespace Vbc.Conformance;

/// <summary>
/// One row of CMS's published Shared Savings Program results: one ACO in one performance year. The cells are
/// kept as CMS wrote them (the contracts read them as text, as any input is given); the few parsed values are
/// for the report and for classifying a row that does not match, never for the settlement.
/// </summary>
public sealed record MsspRow
{
    /// <summary>The line of the reference file the row is on (0 for a row made in code).</summary>
    public long Line { get; init; }

    public required int Year { get; init; }

    public required string AcoId { get; init; }

    /// <summary>CMS's track name: track_1, track_1_plus, track_2, track_3, basic_a .. basic_e, enhanced.</summary>
    public required string Track { get; init; }

    /// <summary><c>minsavperc</c>: the minimum savings rate (and, two-sided, the minimum loss rate), a fraction.</summary>
    public required decimal MinimumRate { get; init; }

    /// <summary><c>disadj</c>: the disaster adjustment that reduces owed losses (negative), or null when empty.</summary>
    public decimal? DisasterAdjustment { get; init; }

    /// <summary><c>earnsaveloss</c>: earned shared savings (positive) or owed shared losses (negative), dollars.</summary>
    public required decimal Published { get; init; }

    /// <summary>Every cell of the row by column name, as text.</summary>
    public required IReadOnlyDictionary<string, string> Cells { get; init; }

    /// <summary>The columns a row must have.</summary>
    public static readonly IReadOnlyList<string> RequiredColumns = new[]
    {
        "performance_year", "aco_id", "track", "n_ab", "abtotbnchmk", "abtotexp", "minsavperc", "qualscore", "met_qps", "disadj", "earnsaveloss",
    };

    /// <summary>A row from typed values, as the reference file would hold it (for tests and examples).</summary>
    public static MsspRow Create(int year, string acoId, string track, int assignedBeneficiaries, decimal benchmark, decimal expenditure,
        decimal minimumRate, decimal qualityScore, bool metQualityStandard, decimal? disasterAdjustment = null, decimal published = 0)
    {
        string Text(decimal d) => d.ToString(CultureInfo.InvariantCulture);
        var cells = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["performance_year"] = year.ToString(CultureInfo.InvariantCulture),
            ["aco_id"] = acoId,
            ["track"] = track,
            ["n_ab"] = assignedBeneficiaries.ToString(CultureInfo.InvariantCulture),
            ["abtotbnchmk"] = Text(benchmark),
            ["abtotexp"] = Text(expenditure),
            ["minsavperc"] = Text(minimumRate),
            ["qualscore"] = Text(qualityScore),
            ["met_qps"] = metQualityStandard ? "1" : "0",
            ["disadj"] = disasterAdjustment is { } d ? Text(d) : "",
            ["earnsaveloss"] = Text(published),
        };
        return new MsspRow
        {
            Year = year,
            AcoId = acoId,
            Track = track,
            MinimumRate = minimumRate,
            DisasterAdjustment = disasterAdjustment,
            Published = published,
            Cells = cells,
        };
    }

    /// <summary>
    /// Reads the reference file. A row that cannot be read is not returned; its problem is. Problems with the file
    /// as a whole (cannot be read, a column missing) come back with no rows.
    /// </summary>
    public static (IReadOnlyList<MsspRow> Rows, IReadOnlyList<string> Problems) ReadFile(string path)
    {
        var file = InputsFile.Read(path);
        var problems = file.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).ToList();
        var missing = RequiredColumns.Where(c => !file.Columns.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"{path}: the file has no column {string.Join(", ", missing)}. Its columns: {string.Join(", ", file.Columns)}.");
            return (Array.Empty<MsspRow>(), problems);
        }
        var rows = new List<MsspRow>(file.Rows.Count);
        foreach (var input in file.Rows)
        {
            var cells = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in input.Values)
            {
                cells[name] = value;
            }
            var rowProblems = new List<string>();
            decimal Number(string column)
            {
                if (decimal.TryParse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    return d;
                }
                rowProblems.Add($"{column} = '{cells[column]}' is not a number");
                return 0;
            }
            int year = (int)Number("performance_year");
            decimal minimum = Number("minsavperc");
            decimal published = Number("earnsaveloss");
            decimal? disaster = cells["disadj"].Length == 0 ? null : Number("disadj");
            if (rowProblems.Count > 0)
            {
                problems.Add($"{path}({input.Line}): {string.Join("; ", rowProblems)}.");
                continue;
            }
            rows.Add(new MsspRow
            {
                Line = input.Line,
                Year = year,
                AcoId = cells["aco_id"],
                Track = cells["track"],
                MinimumRate = minimum,
                DisasterAdjustment = disaster,
                Published = published,
                Cells = cells,
            });
        }
        return (rows, problems);
    }
}
