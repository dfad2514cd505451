namespace Vbc.MemberStage;

/// <summary>
/// The member stage's per-member arrays (each member's cost, for a percentile; each member's group), which at 10M
/// members are the largest allocations of a run. An array is allocated uninitialised at the length asked (a page is
/// resident only once a member is written into it) and grows by doubling into a fresh array when no size was known
/// up front; the array it replaces is dropped, never kept. One array of each type, the largest returned, is kept
/// for the next settlement in the process (benchmarks, a priced diff), so its pages are not faulted in again.
/// </summary>
internal static class MemberArrays<T>
    where T : unmanaged
{
    private const int FirstLength = 4096;
    private static T[]? s_spare;

    /// <summary>An array of at least <paramref name="length"/> elements, whose contents are undefined.</summary>
    public static T[] Take(long length)
    {
        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException("More members than one settlement can hold in memory.");
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
        return larger;
    }

    /// <summary>Offers an array the caller is done with for the next settlement (the largest is kept).</summary>
    public static void Return(T[] array)
    {
        if (array.Length == 0)
        {
            return;
        }
        var current = Volatile.Read(ref s_spare);
        if (current is null || current.Length < array.Length)
        {
            Interlocked.CompareExchange(ref s_spare, array, current);
        }
    }
}
