using Vbc.Data.Synthetic;

namespace Vbc.Tests.Synthetic;

public class DeterministicRandomTests
{
    [Fact]
    public void SplitMix64_matches_the_reference_sequence()
    {
        // Seed 1234567: the first outputs of Vigna's splitmix64.c (checked against an independent Python version).
        ulong state = 1234567;
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (ulong value in expected)
        {
            Assert.Equal(value, DeterministicRandom.SplitMix64(ref state));
        }
    }

    [Fact]
    public void Xoshiro256StarStar_matches_an_independent_implementation()
    {
        // State from four SplitMix64 outputs of seed 42; values computed by a separate Python transcription of xoshiro256**.
        var random = new DeterministicRandom(42);
        ulong[] expected = [1546998764402558742, 6990951692964543102, 12544586762248559009, 17057574109182124193, 18295552978065317476];
        foreach (ulong value in expected)
        {
            Assert.Equal(value, random.NextUInt64());
        }
    }

    [Fact]
    public void Streams_differ_by_seed_kind_and_index()
    {
        ulong First(long seed, RandomStream stream, long index) => DeterministicRandom.For(seed, stream, index).NextUInt64();
        ulong[] firsts =
        [
            First(1, RandomStream.Members, 0), First(2, RandomStream.Members, 0), First(1, RandomStream.Episodes, 0),
            First(1, RandomStream.Members, 1), First(0, RandomStream.Members, 0), First(-1, RandomStream.Members, 0),
        ];
        Assert.Equal(firsts.Length, firsts.Distinct().Count());
        Assert.Equal(First(7, RandomStream.Members, 3), First(7, RandomStream.Members, 3));
    }

    [Fact]
    public void Log_and_Exp_agree_with_the_platform_to_a_few_ulps()
    {
        var random = new DeterministicRandom(3);
        for (int i = 0; i < 20_000; i++)
        {
            double x = (random.NextDouble() - 0.5) * 1400.0; // -700 .. 700
            Assert.Equal(Math.Exp(x), DeterministicMath.Exp(x), Math.Exp(x) * 1e-14);
            double y = DeterministicMath.Exp((random.NextDouble() - 0.5) * 1400.0);
            Assert.Equal(Math.Log(y), DeterministicMath.Log(y), Math.Max(1e-300, Math.Abs(Math.Log(y)) * 1e-14));
        }
        Assert.Equal(0.0, DeterministicMath.Log(1.0));
        Assert.Equal(1.0, DeterministicMath.Exp(0.0));
        Assert.Equal(double.NegativeInfinity, DeterministicMath.Log(0.0));
        Assert.True(double.IsNaN(DeterministicMath.Log(-1.0)));
        Assert.Equal(Math.Log(5e-324), DeterministicMath.Log(5e-324), 1e-12); // subnormal
        Assert.Equal(double.PositiveInfinity, DeterministicMath.Exp(710));
        Assert.Equal(0.0, DeterministicMath.Exp(-746));
    }

    [Fact]
    public void Samplers_have_their_stated_moments()
    {
        var random = new DeterministicRandom(11);
        const int n = 200_000;
        double sum = 0, sumSquares = 0, logNormalSum = 0, poissonSum = 0, bernoulli = 0, intSum = 0;
        for (int i = 0; i < n; i++)
        {
            double z = random.Normal();
            sum += z;
            sumSquares += z * z;
            logNormalSum += random.LogNormalWithMean(250.0, 0.8);
            poissonSum += random.Poisson(2.5);
            bernoulli += random.Bernoulli(0.3) ? 1 : 0;
            long k = random.NextInt(3, 7);
            Assert.InRange(k, 3, 7);
            intSum += k;
        }
        Assert.InRange(sum / n, -0.01, 0.01);
        Assert.InRange(sumSquares / n, 0.98, 1.02);
        Assert.InRange(logNormalSum / n, 245.0, 255.0);
        Assert.InRange(poissonSum / n, 2.48, 2.52);
        Assert.InRange(bernoulli / n, 0.295, 0.305);
        Assert.InRange(intSum / n, 4.98, 5.02);
    }
}
