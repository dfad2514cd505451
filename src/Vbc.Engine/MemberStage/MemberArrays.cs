namespace Vbc.MemberStage;

/// <summary>
/// The member stage's per-member arrays (each member's cost, for a percentile; each member's group), which at 10M
/// members are the largest allocations of a run. An array is allocated uninitialised at the length asked (a page is
/// resident only once a member is written into it) and grows by doubling into a fresh array when no size was known
/// up front. Arrays of up to <see cref="PooledLength"/> elements come from a pool and go back to it when replaced:
/// a portfolio's hundred stages grow theirs side by side and reuse one another's (fresh ones left about 150 MB of
/// garbage at 10M members). A longer array that is replaced is dropped, never kept (a pool kept every one of a
/// 10M-member run's, 4K to 8M entries); one, the largest returned, is kept for the next settlement in the process
/// (benchmarks, a priced diff), so its pages are not faulted in again.
/// </summary>
internal static class MemberArrays<T>
    where T : unmanaged
{
    // Small, so that a thousand organisations of a thousand members each do not hold 64 KB of costs apiece.
    private const int FirstLength = 256;
    private const int PooledLength = 1 << 20;
    private static readonly System.Buffers.ArrayPool<T> s_pool = System.Buffers.ArrayPool<T>.Create(PooledLength, 4);
    private static T[]? s_spare;

    /// <summary>An array of at least <paramref name="length"/> elements, whose contents are undefined.</summary>
    public static T[] Take(long length)
    {
        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException("More members than one settlement can hold in memory.");
        }
        if (length <= PooledLength)
        {
            return s_pool.Rent((int)Math.Max(1, length));
        }
        var spare = Interlocked.Exchange(ref s_spare, null);
        if (spare is not null && spare.Length >= length)
        {
            return spare;
        }
        return GC.AllocateUninitializedArray<T>((int)Math.Max(1, length));
    }

    /// <summary>
    /// An array of at least <paramref name="needed"/> elements holding the first <paramref name="used"/> of
    /// <paramref name="array"/>: twice as long (or as needed) as the one it replaces.
    /// </summary>
    public static T[] Grow(T[] array, int used, long needed)
    {
        long length = Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(FirstLength, (long)array.Length * 2)));
        var larger = Take(Math.Max(needed, length));
        Array.Copy(array, larger, used);
        if (array.Length is > 0 and <= PooledLength)
        {
            s_pool.Return(array);
        }
        return larger;
    }

    /// <summary>Offers an array the caller is done with for the next settlement (the largest is kept).</summary>
    public static void Return(T[] array)
    {
        if (array.Length == 0)
        {
            return;
        }
        if (array.Length <= PooledLength)
        {
            s_pool.Return(array);
            return;
        }
        var current = Volatile.Read(ref s_spare);
        if (current is null || current.Length < array.Length)
        {
            Interlocked.CompareExchange(ref s_spare, array, current);
        }
    }
}
