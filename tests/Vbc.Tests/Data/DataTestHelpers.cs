using System.Text;
using Vbc.Data;
using Vbc.Diagnostics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Data;

/// <summary>A file in the temp folder, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    public static TempFile WithText(string text, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return WithBytes(bom ? new byte[] { 0xEF, 0xBB, 0xBF }.Concat(bytes).ToArray() : bytes);
    }

    public static TempFile WithBytes(byte[] bytes)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vbc-data-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, bytes);
        return new TempFile(path);
    }

    public static TempFile Empty() => new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vbc-data-{Guid.NewGuid():N}.csv"));

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Specs
{
    public static ColumnSpec Id(string name = "member_id") => new(name, ValueType.Text, true);

    public static ColumnSpec Money(string name) => new(name, ValueType.Money, false);

    public static ColumnSpec Of(string name, ValueType type) => new(name, type, false);
}

/// <summary>Everything a read produced, for assertions.</summary>
internal sealed class ReadOutcome
{
    public required List<ColumnBatch> Batches { get; init; }
    public required MemberReadResult Result { get; init; }
    public required IReadOnlyList<Diagnostic> Header { get; init; }

    /// <summary>Rows read by the reader's plain-row pass.</summary>
    public long PlainRows { get; init; }

    public IEnumerable<Diagnostic> Errors => Result.Diagnostics.Where(d => d.IsError);

    public decimal[] Decimals(int column) => Batches.SelectMany(b => b.Decimals(column).Take(b.RowCount)).ToArray();

    public string[] Texts(int column) => Batches.SelectMany(b => b.Texts(column).Take(b.RowCount)).ToArray();

    public bool[] Flags(int column) => Batches.SelectMany(b => b.Flags(column).Take(b.RowCount)).ToArray();

    public DateOnly[] Dates(int column) => Batches.SelectMany(b => b.Dates(column).Take(b.RowCount)).ToArray();

    public long[] Lines => Batches.SelectMany(b => b.Lines.Take(b.RowCount)).ToArray();

    public Diagnostic Single(string code) => Assert.Single(Result.Diagnostics, d => d.Code == code);
}

internal static class Read
{
    public static ReadOutcome Text(string csv, IReadOnlyList<ColumnSpec> specs, MemberReadOptions? options = null, bool bom = false)
    {
        using var file = TempFile.WithText(csv, bom);
        return File(file.Path, specs, options);
    }

    public static ReadOutcome File(string path, IReadOnlyList<ColumnSpec> specs, MemberReadOptions? options = null)
    {
        using var reader = CsvMemberReader.Open(path, specs, (options ?? new MemberReadOptions()) with { DisplayName = "members.csv" });
        var batches = reader.ReadBatches().ToList();
        return new ReadOutcome { Batches = batches, Result = reader.Result, Header = reader.HeaderDiagnostics, PlainRows = reader.PlainRowsRead };
    }
}
