using System.Runtime.InteropServices;

namespace Vbc.Data;

/// <summary>
/// Asks Linux to back a large, randomly accessed array with 2 MB pages (madvise MADV_HUGEPAGE; this machine's kernel
/// gives them only to memory that asks). The duplicate-id index probes one slot per row at random over about 126 MB
/// at 10M rows: with 4 KB pages nearly every probe also misses the TLB and waits for a page walk, and each page is
/// faulted in on its own. The advice changes nothing else: where the kernel refuses or the call does not exist, the
/// array is as it was.
/// </summary>
internal static class LargePages
{
    private const int HugePage = 2 << 20;
    private const int MadvHugePage = 14;
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>A zeroed array that does not move, advised for large pages when it spans some (before it is touched).</summary>
    public static T[] Allocate<T>(int length)
        where T : unmanaged
    {
        var array = GC.AllocateArray<T>(length, pinned: true);
        long bytes = (long)length * Marshal.SizeOf<T>();
        if (s_unavailable || bytes < 2L * HugePage)
        {
            return array;
        }
        long start = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0).ToInt64();
        long first = (start + HugePage - 1) & ~(long)(HugePage - 1);
        long end = (start + bytes) & ~(long)(HugePage - 1);
        if (end > first)
        {
            try
            {
                Advise((nint)first, (nuint)(end - first), MadvHugePage);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_unavailable = true;
            }
        }
        return array;
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Advise(nint address, nuint length, int advice);
}
