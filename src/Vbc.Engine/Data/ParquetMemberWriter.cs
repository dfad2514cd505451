using ParquetSharp;
using ParquetSharp.Schema;
using Vbc.Diagnostics;

namespace Vbc.Data;

/// <summary>
/// Writes member-level data as Parquet, from a CSV file read by <see cref="CsvMemberReader"/> (so every value is the
/// exact value the CSV reader reads, and a CSV problem stops the conversion with its diagnostic). Each column is
/// written in the form <see cref="ParquetMemberReader"/> reads back to the same value: money as DECIMAL(p, s) with the
/// column's largest scale, other numbers as whole INT64 when every value is whole (else DECIMAL), flags as BOOLEAN,
/// text as UTF-8 strings, dates as DATE. Used by <c>vbc generate ... --format parquet</c> and by the tests that
/// settle every example from both formats.
/// </summary>
public static class ParquetMemberWriter
{
    /// <summary>Rows per row group: about 12 MB of decimals per money column at most, and small enough to stream.</summary>
    public const int RowGroupRows = 131_072;

    /// <summary>Converts <paramref name="csvPath"/> (the columns of <paramref name="specs"/>, in that order) to <paramref name="parquetPath"/>.</summary>
    /// <returns>The CSV file's problems; when any is an error, nothing is written.</returns>
    public static IReadOnlyList<Diagnostic> FromCsv(string csvPath, IReadOnlyList<ColumnSpec> specs, string parquetPath)
    {
        var options = new MemberReadOptions { BadRows = BadRowPolicy.Fail, BatchSize = RowGroupRows };

        // First pass: each decimal column's scale and digits, so that its DECIMAL(p, s) holds every value exactly.
        var shape = new (int Scale, decimal MaxAbs, bool Whole)[specs.Count];
        for (int c = 0; c < specs.Count; c++)
        {
            shape[c] = (0, 0m, true);
        }
        using (var reader = CsvMemberReader.Open(csvPath, specs, options))
        {
            if (!reader.CanRead)
            {
                return reader.HeaderDiagnostics;
            }
            var result = reader.ReadAll(batch =>
            {
                for (int c = 0; c < specs.Count; c++)
                {
                    if (batch.Columns[c] is decimal[] values)
                    {
                        var (scale, max, whole) = shape[c];
                        for (int r = 0; r < batch.RowCount; r++)
                        {
                            decimal v = values[r];
                            scale = Math.Max(scale, v.Scale);
                            whole &= v.Scale == 0;
                            max = Math.Max(max, Math.Abs(v));
                        }
                        shape[c] = (scale, max, whole);
                    }
                }
            });
            if (result.HasErrors)
            {
                return result.Diagnostics;
            }
        }

        var kinds = new ColumnKind[specs.Count];
        var nodes = new Node[specs.Count];
        for (int c = 0; c < specs.Count; c++)
        {
            var spec = specs[c];
            var plan = ColumnPlan.For(spec, c, required: false);
            var (scale, max, whole) = shape[c];
            int digits = WholeDigits(max);
            (kinds[c], nodes[c]) = spec.Storage switch
            {
                ColumnStorage.Flag => (ColumnKind.Boolean, (Node)new PrimitiveNode(spec.Name, Repetition.Required, LogicalType.None(), PhysicalType.Boolean)),
                ColumnStorage.Text => (ColumnKind.Text, new PrimitiveNode(spec.Name, Repetition.Required, LogicalType.String(), PhysicalType.ByteArray)),
                ColumnStorage.Date => (ColumnKind.Date, new PrimitiveNode(spec.Name, Repetition.Required, LogicalType.Date(), PhysicalType.Int32)),
                _ when whole && !plan.IsMoney && digits <= 18 => (ColumnKind.Integer, new PrimitiveNode(spec.Name, Repetition.Required, LogicalType.None(), PhysicalType.Int64)),
                _ when digits + scale <= 18 => (ColumnKind.Decimal64, new PrimitiveNode(spec.Name, Repetition.Required, LogicalType.Decimal(18, scale), PhysicalType.Int64)),
                _ => (ColumnKind.Decimal128, new PrimitiveNode(spec.Name, Repetition.Required, LogicalType.Decimal(28, scale), PhysicalType.FixedLenByteArray, 16)),
            };
        }

        // Second pass: one row group per batch of the CSV reader.
        string temporary = parquetPath + ".tmp";
        try
        {
            using (var group = new GroupNode("schema", Repetition.Required, nodes))
            using (var properties = new WriterPropertiesBuilder().Compression(Compression.Snappy).CreatedBy("vbc").Build())
            using (var writer = new ParquetFileWriter(temporary, group, properties))
            using (var reader = CsvMemberReader.Open(csvPath, specs, options))
            {
                foreach (var batch in reader.ReadBatches())
                {
                    using var rowGroup = writer.AppendRowGroup();
                    for (int c = 0; c < specs.Count; c++)
                    {
                        using var column = rowGroup.NextColumn();
                        Write(column, kinds[c], batch.Columns[c], batch.RowCount, shape[c].Scale);
                    }
                }
                writer.Close();
                if (reader.Result.HasErrors)
                {
                    return reader.Result.Diagnostics;
                }
            }
            File.Move(temporary, parquetPath, overwrite: true);
        }
        finally
        {
            foreach (var node in nodes)
            {
                node?.Dispose();
            }
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
        return Array.Empty<Diagnostic>();
    }

    private enum ColumnKind
    {
        Boolean,
        Text,
        Date,
        Integer,
        Decimal64,
        Decimal128,
    }

    private static void Write(ColumnWriter column, ColumnKind kind, Array values, int count, int scale)
    {
        switch (kind)
        {
            case ColumnKind.Boolean:
                ((ColumnWriter<bool>)column).WriteBatch(((bool[])values).AsSpan(0, count));
                break;
            case ColumnKind.Text:
                {
                    using var logical = column.LogicalWriter<string>();
                    logical.WriteBatch(((string[])values).AsSpan(0, count));
                    break;
                }
            case ColumnKind.Date:
                {
                    int epoch = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
                    var days = ((DateOnly[])values).Take(count).Select(d => d.DayNumber - epoch).ToArray();
                    ((ColumnWriter<int>)column).WriteBatch(days);
                    break;
                }
            case ColumnKind.Integer:
                ((ColumnWriter<long>)column).WriteBatch(((decimal[])values).Take(count).Select(v => (long)v).ToArray());
                break;
            case ColumnKind.Decimal64:
                {
                    decimal factor = Pow10(scale);
                    ((ColumnWriter<long>)column).WriteBatch(((decimal[])values).Take(count).Select(v => (long)(v * factor)).ToArray());
                    break;
                }
            default:
                {
                    using var logical = column.LogicalWriter<decimal>();
                    logical.WriteBatch(((decimal[])values).AsSpan(0, count));
                    break;
                }
        }
    }

    private static decimal Pow10(int n)
    {
        decimal p = 1m;
        for (int i = 0; i < n; i++)
        {
            p *= 10m;
        }
        return p;
    }

    private static int WholeDigits(decimal v)
    {
        decimal whole = Math.Abs(decimal.Truncate(v));
        int digits = 1;
        while (whole >= 10m)
        {
            whole = decimal.Truncate(whole / 10m);
            digits++;
        }
        return digits;
    }
}
