using System.Text;

namespace Vbc.Data.Synthetic;

/// <summary>
/// Writes a CSV file whose rows are produced in fixed-size chunks. Chunk k always holds the same rows and draws from
/// its own random stream, so chunks can be generated on several threads at once and still be written in order: the
/// bytes do not depend on the number of threads.
/// </summary>
internal static class ChunkedCsvWriter
{
    /// <summary>Generates rows [firstRow, firstRow + rowCount) of chunk <c>chunkIndex</c> into the buffer.</summary>
    public delegate void ChunkGenerator(long chunkIndex, long firstRow, int rowCount, CsvBuffer buffer);

    /// <summary>Writes the header line, then every chunk in order; returns the number of bytes written.</summary>
    public static long Write(
        Stream output, IReadOnlyList<string> columns, long rowCount, int chunkRows, int maxDegreeOfParallelism,
        int bytesPerRowEstimate, ChunkGenerator generate)
    {
        ArgumentNullException.ThrowIfNull(output);
        byte[] header = Encoding.ASCII.GetBytes(string.Join(',', columns) + "\n");
        output.Write(header, 0, header.Length);
        long written = header.Length;

        long chunkCount = (rowCount + chunkRows - 1) / chunkRows;
        int threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        int capacity = (int)Math.Min(Math.Min(rowCount, chunkRows) * bytesPerRowEstimate, int.MaxValue / 2);

        // Generate a window of chunks in parallel (the calling thread takes part, so a busy thread pool cannot stall
        // it), then write the window in order, reusing its buffers for the next window.
        int window = (int)Math.Min(chunkCount, threads <= 1 ? 1 : 2L * threads);
        var buffers = new CsvBuffer[window];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        for (long start = 0; start < chunkCount; start += window)
        {
            int inWindow = (int)Math.Min(window, chunkCount - start);
            void Generate(int slot)
            {
                long chunk = start + slot;
                long first = chunk * chunkRows;
                var buffer = buffers[slot] ??= new CsvBuffer(capacity);
                buffer.Clear();
                generate(chunk, first, (int)Math.Min(chunkRows, rowCount - first), buffer);
            }
            if (inWindow == 1)
            {
                Generate(0);
            }
            else
            {
                Parallel.For(0, inWindow, parallel, Generate);
            }
            for (int slot = 0; slot < inWindow; slot++)
            {
                output.Write(buffers[slot].Data, 0, buffers[slot].Length);
                written += buffers[slot].Length;
            }
        }
        return written;
    }
}
