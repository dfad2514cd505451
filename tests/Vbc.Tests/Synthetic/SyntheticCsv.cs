using System.Globalization;
using System.Text;

namespace Vbc.Tests.Synthetic;

/// <summary>A generated CSV file read back for assertions (the generators never quote, so a plain split is exact).</summary>
internal sealed class SyntheticCsv
{
    private SyntheticCsv(byte[] bytes)
    {
        Bytes = bytes;
        var lines = Encoding.ASCII.GetString(bytes).Split('\n');
        Assert.Equal("", lines[^1]); // every line, the last included, ends with LF
        Header = lines[0];
        Columns = lines[0].Split(',');
        Rows = [.. lines.Skip(1).Take(lines.Length - 2).Select(l => l.Split(','))];
    }

    public byte[] Bytes { get; }

    public string Header { get; }

    public string[] Columns { get; }

    public string[][] Rows { get; }

    public static SyntheticCsv From(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return new SyntheticCsv(stream.ToArray());
    }

    public int Index(string column)
    {
        int i = Array.IndexOf(Columns, column);
        Assert.True(i >= 0, $"no column {column}");
        return i;
    }

    public IEnumerable<string> Values(string column)
    {
        int i = Index(column);
        return Rows.Select(r => r[i]);
    }

    /// <summary>A money or ratio cell as an exact decimal.</summary>
    public static decimal Number(string cell) => decimal.Parse(cell, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>The folder holding Dsl.sln, found from the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dsl.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Dsl.sln not found above " + AppContext.BaseDirectory);
    }
}
