using System.Text;
using Vbc.Data;

namespace Vbc.Tests.Data;

public class IdIndexTests
{
    [Fact]
    public void Equal_hashes_are_only_candidates_the_ids_decide()
    {
        var index = new IdIndex(10);
        var ids = new Dictionary<long, string>();
        const ulong sameHash = 0xDEADBEEF_12345678UL;
        string[] values = { "X1", "X2", "X3" };
        for (int row = 0; row < values.Length; row++)
        {
            string id = values[row];
            Assert.False(index.TryFind(sameHash, r => ids[r] == id, out _));
            index.Add(sameHash, row);
            ids[row] = id;
        }
        Assert.True(index.TryFind(sameHash, r => ids[r] == "X2", out long first));
        Assert.Equal(1, first);
        Assert.False(index.TryFind(sameHash, r => ids[r] == "X4", out _));
    }

    [Fact]
    public void Grows_past_its_estimate_and_finds_every_id()
    {
        var index = new IdIndex(100);
        const int n = 50_000;
        var hashes = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            hashes[i] = IdIndex.Hash(Encoding.UTF8.GetBytes("M" + i));
            Assert.False(index.TryFind(hashes[i], r => r == i, out _));
            index.Add(hashes[i], i);
        }
        Assert.Equal(n, index.Count);
        for (int i = 0; i < n; i += 97)
        {
            int expected = i;
            Assert.True(index.TryFind(hashes[i], r => r == expected, out long row));
            Assert.Equal(i, row);
        }
        Assert.Equal(n, hashes.Distinct().Count());
    }
}
