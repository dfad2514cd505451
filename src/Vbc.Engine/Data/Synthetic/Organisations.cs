namespace Vbc.Data.Synthetic;

/// <summary>
/// The provider organisations rows are spread over: ids ACO-01 .. ACO-NN, unequal sizes, and for each a cost
/// efficiency and a quality shift, so that organisations settled from the same file come out differently.
/// Drawn from the seed's organisation stream: the same seed and count give the same organisations in every file.
/// </summary>
internal sealed class Organisations
{
    private Organisations(string[] ids, double[] cumulativeSize, double[] costEfficiency, double[] qualityShift)
    {
        Ids = ids;
        CumulativeSize = cumulativeSize;
        CostEfficiency = costEfficiency;
        QualityShift = qualityShift;
    }

    public string[] Ids { get; }

    /// <summary>Running totals of the relative sizes, for <see cref="DeterministicRandom.Pick"/>.</summary>
    public double[] CumulativeSize { get; }

    /// <summary>Multiplies every cost of the organisation's rows: 1.0 for a single organisation, else about 1 +- 5%.</summary>
    public double[] CostEfficiency { get; }

    /// <summary>Added to the chance of meeting each quality measure: 0 for a single organisation, else about +- 4 points.</summary>
    public double[] QualityShift { get; }

    /// <summary>ACO-01 style id of organisation <paramref name="number"/> (1-based) out of <paramref name="count"/>.</summary>
    public static string Id(int number, int count)
    {
        int width = Math.Max(2, count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        return "ACO-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0');
    }

    public static Organisations Create(long seed, int count)
    {
        var ids = new string[count];
        var cumulative = new double[count];
        var efficiency = new double[count];
        var shift = new double[count];
        var random = DeterministicRandom.For(seed, RandomStream.Organisations, count);
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            ids[i] = Id(i + 1, count);
            total += count == 1 ? 1.0 : random.LogNormalWithMean(1.0, 0.5);
            cumulative[i] = total;
            efficiency[i] = count == 1 ? 1.0 : Math.Clamp(random.Normal(1.0, 0.05), 0.85, 1.15);
            shift[i] = count == 1 ? 0.0 : Math.Clamp(random.Normal(0.0, 0.04), -0.10, 0.10);
        }
        return new Organisations(ids, cumulative, efficiency, shift);
    }

    public int Pick(DeterministicRandom random) => Ids.Length == 1 ? 0 : random.Pick(CumulativeSize);
}
