using System.Buffers.Text;
using System.Diagnostics;
using Vbc.Data;
using Xunit.Abstractions;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Data;

/// <summary>
/// Measures the member reader on a generated 20-column file and writes the figures to the test output (no timed
/// assertion). Rows default to 100,000 to keep the suite fast; for a real measurement run, in Release:
/// <c>VBC_BENCH_ROWS=1000000 dotnet test Dsl.sln -c Release --filter "FullyQualifiedName~ReaderThroughput" --logger "console;verbosity=detailed"</c>.
/// </summary>
public class ReaderThroughputTests
{
    private static readonly string[] MoneyColumns =
        { "inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health", "behavioral", "transplant", "dialysis", "specialty_rx" };

    private readonly ITestOutputHelper _output;

    public ReaderThroughputTests(ITestOutputHelper output) => _output = output;

    internal static ColumnSpec[] BenchSpecs() =>
        new[] { Specs.Id(), Specs.Of("member_months", ValueType.MemberMonths), Specs.Of("risk_score", ValueType.Ratio), Specs.Of("attributed", ValueType.Flag), Specs.Of("esrd", ValueType.Flag), Specs.Of("age", ValueType.Count) }
            .Concat(MoneyColumns.Select(Specs.Money))
            .Concat(new[] { "hba1c_num", "hba1c_den", "bcs_num", "bcs_den" }.Select(n => Specs.Of(n, ValueType.Count)))
            .ToArray();

    /// <summary>Writes a member file of the given rows: 20 columns, about 120 bytes a row. Returns the sum of inpatient.</summary>
    internal static decimal Generate(string path, int rows, int duplicateEvery = 0)
    {
        var random = new Random(12345);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var header = "member_id,member_months,risk_score,attributed,esrd,age," + string.Join(",", MoneyColumns) + ",hba1c_num,hba1c_den,bcs_num,bcs_den\n";
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        var buffer = new byte[1 << 20];
        int w = 0;
        decimal inpatientTotal = 0m;
        for (int i = 0; i < rows; i++)
        {
            if (w > buffer.Length - 512)
            {
                stream.Write(buffer, 0, w);
                w = 0;
            }
            int idNumber = duplicateEvery > 0 && i > 0 && i % duplicateEvery == 0 ? i - 1 : i;
            buffer[w++] = (byte)'M';
            Utf8Formatter.TryFormat(10_000_000 + idNumber, buffer.AsSpan(w), out int n);
            w += n;
            buffer[w++] = (byte)',';
            int months = random.Next(100) < 85 ? 12 : random.Next(0, 12);
            Utf8Formatter.TryFormat(months, buffer.AsSpan(w), out n);
            w += n;
            buffer[w++] = (byte)',';
            Utf8Formatter.TryFormat(new decimal(random.Next(200, 4000), 0, 0, false, 3), buffer.AsSpan(w), out n);
            w += n;
            buffer[w++] = (byte)',';
            buffer[w++] = random.Next(100) < 97 ? (byte)'1' : (byte)'0';
            buffer[w++] = (byte)',';
            buffer[w++] = random.Next(100) < 2 ? (byte)'1' : (byte)'0';
            buffer[w++] = (byte)',';
            Utf8Formatter.TryFormat(random.Next(65, 100), buffer.AsSpan(w), out n);
            w += n;
            for (int c = 0; c < MoneyColumns.Length; c++)
            {
                buffer[w++] = (byte)',';
                int cents = random.Next(100) < 40 ? 0 : random.Next(0, c < 4 ? 2_000_000 : 300_000);
                if (cents == 0)
                {
                    buffer[w++] = (byte)'0';
                }
                else
                {
                    var value = new decimal(cents, 0, 0, false, 2);
                    if (c == 0)
                    {
                        inpatientTotal += value;
                    }
                    Utf8Formatter.TryFormat(value, buffer.AsSpan(w), out n);
                    w += n;
                }
            }
            for (int q = 0; q < 2; q++)
            {
                bool den = random.Next(100) < 30;
                buffer[w++] = (byte)',';
                buffer[w++] = den && random.Next(100) < 70 ? (byte)'1' : (byte)'0';
                buffer[w++] = (byte)',';
                buffer[w++] = den ? (byte)'1' : (byte)'0';
            }
            buffer[w++] = (byte)'\n';
        }
        stream.Write(buffer, 0, w);
        return inpatientTotal;
    }

    [Fact]
    public void Reports_reader_throughput()
    {
        int rows = int.TryParse(Environment.GetEnvironmentVariable("VBC_BENCH_ROWS"), out int r) ? r : 100_000;
        using var file = TempFile.Empty();
        decimal expectedInpatient = Generate(file.Path, rows);
        long bytes = new FileInfo(file.Path).Length;
        var specs = BenchSpecs();

        // Warm up the JIT on a small read.
        using (var warm = TempFile.Empty())
        {
            Generate(warm.Path, 20_000);
            using var reader = CsvMemberReader.Open(warm.Path, specs);
            reader.ReadAll();
        }

        _output.WriteLine($"rows={rows:N0} columns=20 file={bytes / 1e6:F1} MB ({(double)bytes / rows:F0} B/row), {Environment.ProcessorCount} cores");
        foreach (var (batchSize, recycle) in new[] { (MemberReadOptions.DefaultBatchSize, false), (MemberReadOptions.DefaultBatchSize, true), (MemberReadOptions.RecommendedBatchSize, true) })
        {
            GC.Collect();
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            decimal inpatient = 0m;
            long delivered = 0;
            MemberReadResult result;
            using (var reader = CsvMemberReader.Open(file.Path, specs, new MemberReadOptions { BatchSize = batchSize, RecycleBatches = recycle }))
            {
                result = reader.ReadAll(batch =>
                {
                    var column = batch.Decimals(6);
                    for (int i = 0; i < batch.RowCount; i++)
                    {
                        inpatient += column[i];
                    }
                    delivered += batch.RowCount;
                });
            }
            clock.Stop();
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            Assert.Empty(result.Diagnostics);
            Assert.Equal(rows, delivered);
            Assert.Equal(expectedInpatient, inpatient);
            double seconds = clock.Elapsed.TotalSeconds;
            _output.WriteLine($"BatchSize={batchSize} RecycleBatches={recycle}: elapsed={seconds:F3} s  throughput={rows / seconds:N0} rows/s  {bytes / 1e6 / seconds:F0} MB/s  "
                + $"cpu={cpu.TotalSeconds:F2} s ({cpu.TotalMilliseconds * 1e6 / rows:F0} ns/row)  allocated={allocated / 1e6:F0} MB  peak working set={process.PeakWorkingSet64 / 1e6:F0} MB");
        }
    }
}
