using System.Collections.Concurrent;
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
        int capacity = (int)Math.Min((long)chunkRows * bytesPerRowEstimate, int.MaxValue / 2);

        CsvBuffer Generate(long chunk, CsvBuffer buffer)
        {
            long first = chunk * chunkRows;
            int count = (int)Math.Min(chunkRows, rowCount - first);
            buffer.Clear();
            generate(chunk, first, count, buffer);
            return buffer;
        }

        if (threads <= 1 || chunkCount <= 1)
        {
            var buffer = new CsvBuffer(capacity);
            for (long chunk = 0; chunk < chunkCount; chunk++)
            {
                Generate(chunk, buffer);
                output.Write(buffer.Data, 0, buffer.Length);
                written += buffer.Length;
            }
            return written;
        }

        // Keep one chunk more in flight than there are threads, so the writer's turn overlaps with generation.
        var spare = new ConcurrentBag<CsvBuffer>();
        var inFlight = new Queue<Task<CsvBuffer>>();
        long next = 0;
        try
        {
            while (next < chunkCount || inFlight.Count > 0)
            {
                while (next < chunkCount && inFlight.Count < threads + 1)
                {
                    long chunk = next++;
                    inFlight.Enqueue(Task.Run(() =>
                        Generate(chunk, spare.TryTake(out var reused) ? reused : new CsvBuffer(capacity))));
                }
                CsvBuffer done = inFlight.Dequeue().GetAwaiter().GetResult();
                output.Write(done.Data, 0, done.Length);
                written += done.Length;
                spare.Add(done);
            }
        }
        finally
        {
            // On failure (a full disk, say) let the chunks already started finish before returning.
            while (inFlight.Count > 0)
            {
                inFlight.Dequeue().ContinueWith(_ => { }, TaskScheduler.Default).Wait();
            }
        }
        return written;
    }
}
