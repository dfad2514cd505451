namespace Vbc.Data.Synthetic;

/// <summary>The independent random streams a seed is split into. The numbers are part of the output format.</summary>
internal enum RandomStream : ulong
{
    Members = 1,
    Episodes = 2,
    AcoInputs = 3,
    Organisations = 4,
}

/// <summary>
/// xoshiro256** (Blackman and Vigna) seeded through SplitMix64, with the samplers the generators need, written here
/// so that the sequence never depends on the .NET version (<see cref="Random"/> makes no such promise). Doubles are
/// used for sampling only; transcendental functions come from <see cref="DeterministicMath"/>.
/// Not thread-safe: each chunk of rows owns one instance.
/// </summary>
internal sealed class DeterministicRandom
{
    private const ulong Golden = 0x9E37_79B9_7F4A_7C15UL;
    private const double TwoToMinus53 = 1.0 / 9007199254740992.0;

    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>A generator whose 256-bit state is four successive SplitMix64 outputs from <paramref name="seed"/>.</summary>
    public DeterministicRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>
    /// The generator for part <paramref name="index"/> of stream <paramref name="stream"/> under a user's seed: each
    /// (seed, stream, index) gets its own well-mixed starting state, so chunks can be generated in any order.
    /// </summary>
    public static DeterministicRandom For(long seed, RandomStream stream, long index)
    {
        ulong key = Mix(unchecked((ulong)seed) ^ Mix((ulong)stream * Golden));
        key = Mix(key ^ Mix(unchecked((ulong)index + 1UL) * Golden + (ulong)stream));
        return new DeterministicRandom(key);
    }

    /// <summary>One SplitMix64 step: advances <paramref name="state"/> by the golden gamma and returns the mixed value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        state = unchecked(state + Golden);
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 45);
            return result;
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform on [0, 1), in steps of 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * TwoToMinus53;

    /// <summary>Uniform on (0, 1]: never 0, so its logarithm is finite.</summary>
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * TwoToMinus53;

    /// <summary>Uniform integer in [<paramref name="low"/>, <paramref name="high"/>] (both included).</summary>
    public long NextInt(long low, long high)
    {
        ulong range = (ulong)(high - low) + 1UL;
        // The high word of a 64 x 64-bit product: bias at most range / 2^64, nothing at the sizes used here.
        ulong offset = Math.BigMul(NextUInt64(), range, out _);
        return low + (long)offset;
    }

    /// <summary>True with probability <paramref name="p"/> (values outside [0, 1] act as 0 or 1).</summary>
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>Standard normal, by Marsaglia's polar method (no sine or cosine; the second value of a pair is kept).</summary>
    public double Normal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);
        double factor = Math.Sqrt(-2.0 * DeterministicMath.Log(s) / s);
        _spareNormal = v * factor;
        _hasSpareNormal = true;
        return u * factor;
    }

    /// <summary>Normal with the given mean and standard deviation.</summary>
    public double Normal(double mean, double standardDeviation) => mean + standardDeviation * Normal();

    /// <summary>Lognormal whose mean (not median) is <paramref name="mean"/>; <paramref name="sigma"/> is the sd of its log.</summary>
    public double LogNormalWithMean(double mean, double sigma) =>
        mean * DeterministicMath.Exp(sigma * Normal() - 0.5 * sigma * sigma);

    /// <summary>Poisson with mean <paramref name="lambda"/> (at most 50), by inversion of the distribution function.</summary>
    public int Poisson(double lambda)
    {
        if (lambda <= 0.0)
        {
            return 0;
        }
        lambda = Math.Min(lambda, 50.0);
        double u = NextDouble();
        double p = DeterministicMath.Exp(-lambda);
        double cumulative = p;
        int k = 0;
        while (u >= cumulative && k < 200)
        {
            k++;
            p *= lambda / k;
            cumulative += p;
        }
        return k;
    }

    /// <summary>Running totals of <paramref name="weights"/>, for <see cref="Pick"/>.</summary>
    public static double[] Cumulative(IEnumerable<double> weights)
    {
        double total = 0;
        return [.. weights.Select(w => total += w)];
    }

    /// <summary>An index drawn with the given cumulative weights (ascending, last one the total).</summary>
    public int Pick(double[] cumulativeWeights)
    {
        double target = NextDouble() * cumulativeWeights[^1];
        int low = 0, high = cumulativeWeights.Length - 1;
        while (low < high)
        {
            int mid = (low + high) >> 1;
            if (target < cumulativeWeights[mid])
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }
}
