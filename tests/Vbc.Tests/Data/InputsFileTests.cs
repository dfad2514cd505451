using System.Text;
using Vbc.Data;

namespace Vbc.Tests.Data;

public class InputsFileTests
{
    private static InputsFileResult Read(string text, bool bom = false)
    {
        using var file = TempFile.WithText(text, bom);
        return InputsFile.Read(file.Path, "inputs.csv");
    }

    [Fact]
    public void Reads_rows_as_ordered_name_text_pairs()
    {
        var result = Read("aco_id,name,quality_score,benchmark\r\nA1,\"Acme, Inc.\",92%,\"1,000,000\"\r\n\r\nB2, Beta ,0.8,\"2\"\"x\"\r\n", bom: true);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "aco_id", "name", "quality_score", "benchmark" }, result.Columns);
        Assert.Equal(2, result.Rows.Count);
        Assert.Equal(2, result.Rows[0].Line);
        Assert.Equal(4, result.Rows[1].Line);
        Assert.Equal(new[] { "aco_id", "name", "quality_score", "benchmark" }, result.Rows[0].Values.Select(v => v.Key));
        Assert.Equal(new[] { "A1", "Acme, Inc.", "92%", "1,000,000" }, result.Rows[0].Values.Select(v => v.Value));
        Assert.Equal("Beta", result.Rows[1]["NAME"]);
        Assert.Equal("2\"x", result.Rows[1]["benchmark"]);
        Assert.Null(result.Rows[1]["missing"]);
    }

    [Fact]
    public void Empty_and_header_only_files()
    {
        Assert.Equal("VBC3003", Assert.Single(Read("").Diagnostics).Code);
        Assert.Equal("VBC3004", Assert.Single(Read("a,b\n").Diagnostics).Code);
    }

    [Fact]
    public void Ragged_rows_and_duplicate_headers()
    {
        var result = Read("id,score,Score\nA,1,2\nB,1\n");
        Assert.Equal(new[] { "VBC3005", "VBC3007" }, result.Diagnostics.Select(d => d.Code));
        Assert.Equal((1, 10), (result.Diagnostics[0].Location.Line, result.Diagnostics[0].Location.Column));
        Assert.Equal(3, result.Diagnostics[1].Location.Line);
        Assert.Contains("Row 2 has 2 fields but the header has 3", result.Diagnostics[1].Message);
        Assert.Single(result.Rows);
    }

    [Fact]
    public void Bad_encoding_and_binary_files()
    {
        var bytes = Encoding.UTF8.GetBytes("id,score\nA,").Concat(new byte[] { 0xE2, 0x82 }).Concat(Encoding.UTF8.GetBytes("\n")).ToArray();
        using var bad = TempFile.WithBytes(bytes);
        var result = InputsFile.Read(bad.Path, "inputs.csv");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("VBC3002", d.Code);
        Assert.Equal((2, 3), (d.Location.Line, d.Location.Column));
        Assert.Contains("column 'score'", d.Message);
        Assert.Empty(result.Rows);

        using var binary = TempFile.WithBytes(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x00 });
        Assert.Equal("VBC3001", Assert.Single(InputsFile.Read(binary.Path).Diagnostics).Code);
    }

    [Fact]
    public void Unclosed_quote_and_missing_file()
    {
        var result = Read("id,score\nA,\"0.9\n");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("VBC3008", d.Code);
        Assert.Equal((2, 3), (d.Location.Line, d.Location.Column));

        var missing = InputsFile.Read(Path.Combine(Path.GetTempPath(), "vbc-none", "inputs.csv"));
        Assert.Equal("VBC0002", Assert.Single(missing.Diagnostics).Code);
    }
}
