using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vbc.Data;

/// <summary>
/// The set of member ids seen so far, held as 8 bytes per slot: 32 bits of the id's 64-bit hash and the row where
/// the id first appeared. The other 32 bits of the hash choose the home slot, so two ids are only confused when
/// all 64 bits agree and their probes meet; even then nothing is decided on hashes: every candidate is handed to
/// a callback that compares the ids themselves (re-reading the earlier row from the file). At 10 million rows the
/// tables take about 115 MB. When a table fills up, a new one is added beside it (no rehash needs the full hash).
/// </summary>
internal sealed class IdIndex
{
    private const double MaxLoad = 0.75;
    private readonly List<ulong[]> _tables = new();
    private ulong[] _current;
    private long _inCurrent;
    private long _limit;

    public IdIndex(long expectedIds)
    {
        _current = NewTable(expectedIds);
    }

    public long Count { get; private set; }

    /// <summary>The largest row number the index can hold.</summary>
    public const long MaxRow = uint.MaxValue - 1L;

    /// <summary>Bytes held by the tables.</summary>
    public long Bytes => _tables.Sum(t => (long)t.Length * sizeof(ulong));

    private ulong[] NewTable(long expected)
    {
        long capacity = Math.Max(1024, (long)(expected / 0.7));
        capacity = Math.Min(capacity, Array.MaxLength);
        var table = LargePages.Allocate<ulong>((int)capacity);
        _tables.Add(table);
        _inCurrent = 0;
        _limit = (long)(capacity * MaxLoad);
        return table;
    }

    /// <summary>
    /// Whether an id with this hash was added before and <paramref name="isSameId"/> confirms it is the same id;
    /// then <paramref name="firstRow"/> is the row it was added with.
    /// </summary>
    public bool TryFind(ulong hash, Func<long, bool> isSameId, out long firstRow)
    {
        var verifier = new DelegateVerifier(isSameId);
        return TryFind(hash, ref verifier, out firstRow);
    }

    /// <summary>As <see cref="TryFind(ulong, Func{long, bool}, out long)"/>, without allocating: the verifier is a struct.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryFind<TVerifier>(ulong hash, ref TVerifier verifier, out long firstRow)
        where TVerifier : struct, IRowVerifier
    {
        uint tag = (uint)(hash >> 32);
        foreach (var table in _tables)
        {
            long i = Home(hash, table.Length);
            while (true)
            {
                ulong slot = table[i];
                if (slot == 0)
                {
                    break;
                }
                if ((uint)(slot >> 32) == tag)
                {
                    long row = (long)(uint)slot - 1;
                    if (verifier.IsSameId(row))
                    {
                        firstRow = row;
                        return true;
                    }
                }
                if (++i == table.Length)
                {
                    i = 0;
                }
            }
        }
        firstRow = -1;
        return false;
    }

    /// <summary>Says whether the id first seen on a row is the id being looked up.</summary>
    public interface IRowVerifier
    {
        bool IsSameId(long row);
    }

    private readonly struct DelegateVerifier : IRowVerifier
    {
        private readonly Func<long, bool> _isSame;

        public DelegateVerifier(Func<long, bool> isSame) => _isSame = isSame;

        public bool IsSameId(long row) => _isSame(row);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ulong hash, long row)
    {
        if ((ulong)row > MaxRow)
        {
            throw new ArgumentOutOfRangeException(nameof(row));
        }
        if (_inCurrent >= _limit)
        {
            _current = NewTable(Count);
        }
        var table = _current;
        long i = Home(hash, table.Length);
        while (table[i] != 0)
        {
            if (++i == table.Length)
            {
                i = 0;
            }
        }
        table[i] = (hash >> 32 << 32) | (uint)(row + 1);
        _inCurrent++;
        Count++;
    }

    private ulong _touched;

    /// <summary>
    /// Reads the home slots of several hashes ahead of their lookups. The loads do not depend on each other, so their
    /// cache misses overlap (a prefetch without unsafe code): a block of rows waits for about one miss, not one per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prefetch(ReadOnlySpan<ulong> hashes)
    {
        var table = _current;
        ulong sum = 0;
        foreach (ulong hash in hashes)
        {
            sum += table[Home(hash, table.Length)];
        }
        _touched = sum;
    }

    /// <summary>
    /// Asks the processor to bring the home slots of several hashes into the cache without waiting for them (a
    /// prefetch instruction), for lookups some rows later: their misses are hidden behind the rows in between, where
    /// <see cref="Prefetch"/> waits for them. Where the processor has no such instruction, it is <see cref="Prefetch"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void PrefetchAhead(ReadOnlySpan<ulong> hashes)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            Prefetch(hashes);
            return;
        }
        var table = _current;
        fixed (ulong* slots = table)
        {
            foreach (ulong hash in hashes)
            {
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(slots + Home(hash, table.Length));
            }
        }
    }

    private static long Home(ulong hash, int length) => (long)(((ulong)(uint)hash * (ulong)length) >> 32);

    /// <summary>A 64-bit hash of an id's UTF-8 bytes, never 0 (0 means "no id").</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Hash(ReadOnlySpan<byte> s)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ ((ulong)s.Length * 0xC2B2AE3D27D4EB4FUL);
        while (s.Length >= 8)
        {
            h ^= Mix(BinaryPrimitives.ReadUInt64LittleEndian(s));
            h = (BitOperations.RotateLeft(h, 27) * 0x9E3779B97F4A7C15UL) + 0x52DCE729UL;
            s = s.Slice(8);
        }
        if (s.Length > 0)
        {
            ulong t = 0;
            for (int i = 0; i < s.Length; i++)
            {
                t |= (ulong)s[i] << (8 * i);
            }
            h ^= Mix(t);
            h = (BitOperations.RotateLeft(h, 27) * 0x9E3779B97F4A7C15UL) + 0x52DCE729UL;
        }
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h == 0 ? 1 : h;
    }

    private static ulong Mix(ulong k) => BitOperations.RotateLeft(k * 0x87C37B91114253D5UL, 31) * 0x4CF5AD432745937FUL;
}
