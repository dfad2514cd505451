namespace Vbc.Data;

/// <summary>The formats of member-level data files vbc reads.</summary>
public enum DataFormat
{
    Csv,
    Parquet,
}

/// <summary>Which reader a file needs, from its first bytes, whatever its name ends with.</summary>
public static class DataFormats
{
    private static ReadOnlySpan<byte> ParquetMagic => "PAR1"u8;

    /// <summary>
    /// Parquet when the file starts with the Parquet magic bytes 'PAR1' (a CSV file cannot: its header would be a
    /// column named PAR1...), else CSV. A file that cannot be opened is reported as CSV, whose reader then says why.
    /// </summary>
    public static DataFormat Detect(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            if (!stream.CanSeek)
            {
                return DataFormat.Csv;
            }
            Span<byte> head = stackalloc byte[4];
            int got = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            return got == 4 && head.SequenceEqual(ParquetMagic) ? DataFormat.Parquet : DataFormat.Csv;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return DataFormat.Csv;
        }
    }
}
