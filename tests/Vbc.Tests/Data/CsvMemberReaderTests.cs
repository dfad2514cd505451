using System.Text;
using Vbc.Data;
using Vbc.Diagnostics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Data;

public class CsvMemberReaderTests
{
    private static readonly ColumnSpec[] IdAndCost = { Specs.Id(), Specs.Money("cost") };

    [Fact]
    public void Reads_quotes_crlf_bom_and_ignores_extra_columns()
    {
        string csv =
            " Member_ID , Inpatient,notes,Pharmacy,extra\r\n" +
            "M1,\"1,234.56\",\"He said \"\"hi\"\"\",0.1,x\r\n" +
            "M2,$10,\"line one\r\nline two\",0.2,y\r\n" +
            "M3,-5.25, plain ,0.3,z\r\n";
        var specs = new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Of("notes", ValueType.Text), Specs.Money("pharmacy") };
        var read = Read.Text(csv, specs, bom: true);

        Assert.Empty(read.Result.Diagnostics);
        Assert.True(read.Result.Complete);
        Assert.Equal(new[] { "M1", "M2", "M3" }, read.Texts(0));
        Assert.Equal(new[] { 1234.56m, 10m, -5.25m }, read.Decimals(1));
        Assert.Equal(new[] { "He said \"hi\"", "line one\r\nline two", "plain" }, read.Texts(2));
        Assert.Equal(0.6m, read.Decimals(3).Sum());
        Assert.Equal(new long[] { 2, 3, 5 }, read.Lines);
        Assert.Equal(new[] { "extra" }, read.Result.IgnoredColumns);
        Assert.Equal(3, read.Result.RowsRead);
        Assert.Equal(3, read.Result.RowsDelivered);
    }

    [Fact]
    public void Lf_endings_blank_lines_and_no_final_newline()
    {
        var read = Read.Text("member_id,cost\n\nA,1\n\nB,2", IdAndCost);
        Assert.Empty(read.Result.Diagnostics);
        Assert.Equal(new long[] { 3, 5 }, read.Lines);
        Assert.Equal(new[] { 1m, 2m }, read.Decimals(1));
    }

    [Fact]
    public void Batches_come_in_file_order_with_their_rows()
    {
        var sb = new StringBuilder("member_id,cost\n");
        decimal expected = 0m;
        for (int i = 1; i <= 1000; i++)
        {
            sb.Append("M").Append(i).Append(",0.0").Append(i % 10).Append('\n');
            expected += (i % 10) / 100m;
        }
        var read = Read.Text(sb.ToString(), IdAndCost, new MemberReadOptions { BatchSize = 7 });
        Assert.Empty(read.Result.Diagnostics);
        Assert.Equal(143, read.Batches.Count);
        Assert.Equal(Enumerable.Range(0, 143), read.Batches.Select(b => b.Index));
        Assert.All(read.Batches.SkipLast(1), b => Assert.Equal(7, b.RowCount));
        Assert.Equal(6, read.Batches[^1].RowCount);
        Assert.Equal(Enumerable.Range(0, 143).Select(i => 1L + (7 * i)), read.Batches.Select(b => b.FirstDataRow));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => "M" + i), read.Texts(0));
        Assert.Equal(Enumerable.Range(2, 1000).Select(i => (long)i), read.Lines);
        Assert.Equal(expected, read.Decimals(1).Sum());
    }

    [Fact]
    public void Reads_every_type()
    {
        string csv =
            "id,mm,risk,quality,visits,attributed,dob,year,pmpm\n" +
            "A,12,1.05,92%,3,yes,1950-01-31,2024,\"$1,000.50\"\n" +
            "B,6.5,0.9,0.875,0,N,2001-12-01,2023,12\n";
        var specs = new[]
        {
            Specs.Id("id"), Specs.Of("mm", ValueType.MemberMonths), Specs.Of("risk", ValueType.Ratio), Specs.Of("quality", ValueType.Percent),
            Specs.Of("visits", ValueType.Count), Specs.Of("attributed", ValueType.Flag), Specs.Of("dob", ValueType.Date),
            Specs.Of("year", ValueType.Year), Specs.Of("pmpm", ValueType.Pmpm),
        };
        var read = Read.Text(csv, specs);
        Assert.Empty(read.Result.Diagnostics);
        Assert.Equal(new[] { 12m, 6.5m }, read.Decimals(1));
        Assert.Equal(new[] { 1.05m, 0.9m }, read.Decimals(2));
        Assert.Equal(new[] { 0.92m, 0.875m }, read.Decimals(3));
        Assert.Equal(new[] { 3m, 0m }, read.Decimals(4));
        Assert.Equal(new[] { true, false }, read.Flags(5));
        Assert.Equal(new[] { new DateOnly(1950, 1, 31), new DateOnly(2001, 12, 1) }, read.Dates(6));
        Assert.Equal(new[] { 2024m, 2023m }, read.Decimals(7));
        Assert.Equal(new[] { 1000.50m, 12m }, read.Decimals(8));
    }

    [Fact]
    public void Missing_column_names_it_suggests_and_lists()
    {
        var read = Read.Text("member_id,inpatient,pharmacy\nA,1,2\n", new[] { Specs.Id(), Specs.Money("inpatiant") });
        var d = read.Single("VBC3006");
        Assert.Equal(Severity.Error, d.Severity);
        Assert.Equal(1, d.Location.Line);
        Assert.Contains("'inpatiant'", d.Message);
        Assert.Contains("Did you mean 'inpatient'?", d.Message);
        Assert.Contains("'member_id', 'inpatient', 'pharmacy'", d.Message);
        Assert.Contains(read.Header, h => h.Code == "VBC3006");
        Assert.Empty(read.Batches);
        Assert.False(read.Result.Complete);
    }

    [Fact]
    public void Duplicate_header_names_are_an_error()
    {
        var read = Read.Text("member_id,Cost, cost \nA,1,2\n", IdAndCost);
        var d = read.Single("VBC3005");
        Assert.Equal((1, 16), (d.Location.Line, d.Location.Column));
        Assert.Contains("columns 2 and 3", d.Message);
        Assert.Empty(read.Batches);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\r\n")]
    public void Empty_file(string text)
    {
        var read = Read.Text(text, IdAndCost);
        Assert.Equal("VBC3003", Assert.Single(read.Result.Diagnostics).Code);
    }

    [Fact]
    public void Empty_file_with_only_a_bom()
    {
        var read = Read.Text("", IdAndCost, bom: true);
        Assert.Equal("VBC3003", Assert.Single(read.Result.Diagnostics).Code);
    }

    [Theory]
    [InlineData("member_id,cost")]
    [InlineData("member_id,cost\r\n")]
    [InlineData("member_id,cost\n\n\n")]
    public void Header_without_rows(string text)
    {
        var read = Read.Text(text, IdAndCost);
        Assert.Equal("VBC3004", Assert.Single(read.Result.Diagnostics).Code);
        Assert.Contains(read.Header, d => d.Code == "VBC3004");
    }

    [Fact]
    public void Not_a_text_file()
    {
        using var file = TempFile.WithBytes(new byte[] { (byte)'a', (byte)',', 0, 0, 1, 2 });
        var read = Read.File(file.Path, IdAndCost);
        var d = Assert.Single(read.Result.Diagnostics);
        Assert.Equal("VBC3001", d.Code);
        Assert.Contains("byte 2", d.Message);
    }

    [Fact]
    public void Missing_file_is_a_diagnostic_not_an_exception()
    {
        var read = Read.File(Path.Combine(Path.GetTempPath(), "no-such-dir-vbc", "x.csv"), IdAndCost);
        Assert.Equal("VBC0002", Assert.Single(read.Result.Diagnostics).Code);
    }

    [Fact]
    public void Invalid_utf8_names_row_and_column()
    {
        var bytes = Encoding.UTF8.GetBytes("member_id,cost,name\nA,1,ok\nB,2,x").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\n")).ToArray();
        using var file = TempFile.WithBytes(bytes);
        var read = Read.File(file.Path, new[] { Specs.Id(), Specs.Money("cost"), Specs.Of("name", ValueType.Text) });
        var d = read.Single("VBC3002");
        Assert.Equal((3, 5), (d.Location.Line, d.Location.Column));
        Assert.Contains("Row 2, column 'name'", d.Message);
        Assert.Equal("members.csv(3,5): error VBC3002: " + d.Message, d.ToString());
    }

    [Fact]
    public void Invalid_utf8_in_an_ignored_column_is_not_an_error()
    {
        var bytes = Encoding.UTF8.GetBytes("member_id,cost,junk\nA,1,x").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("\n")).ToArray();
        using var file = TempFile.WithBytes(bytes);
        var read = Read.File(file.Path, IdAndCost);
        Assert.Empty(read.Result.Diagnostics);
        Assert.Equal(new[] { 1m }, read.Decimals(1));
    }

    [Fact]
    public void Ragged_row_names_row_and_counts()
    {
        var read = Read.Text("member_id,cost\nA,1\nB,2,3\nC,3\n", IdAndCost);
        var d = read.Single("VBC3007");
        Assert.Equal((3, 1), (d.Location.Line, d.Location.Column));
        Assert.Contains("Row 2 has 3 fields but the header has 2", d.Message);
        Assert.Equal(new[] { "A", "C" }, read.Texts(0));
        Assert.True(read.Result.HasErrors);
    }

    [Fact]
    public void Ragged_rows_are_found_past_the_last_column_read()
    {
        // The reader stores fields only up to the last column the contract reads and counts the rest: a missing or
        // extra field after it, in rows long enough for the splitter's 32-byte blocks, is still a ragged row.
        string tail = string.Join(',', Enumerable.Range(1, 20).Select(i => $"note{i}"));
        string csv = $"member_id,cost,{string.Join(',', Enumerable.Range(1, 20).Select(i => $"n{i}"))}\n" +
            $"A,1,{tail}\n" +
            $"B,2,{tail},extra\n" +
            $"C,3,{tail.Substring(0, tail.LastIndexOf(','))}\n" +
            $"D,4,{tail.Replace("note20", "\"note,20\"")}\n";
        var read = Read.Text(csv, IdAndCost);
        var ragged = read.Result.Diagnostics.Where(d => d.Code == "VBC3007").ToList();
        Assert.Equal(2, ragged.Count);
        Assert.Contains("Row 2 has 23 fields but the header has 22", ragged[0].Message);
        Assert.Contains("Row 3 has 21 fields but the header has 22", ragged[1].Message);
        Assert.Equal(new[] { "A", "D" }, read.Texts(0));
        Assert.Equal(new[] { 1m, 4m }, read.Decimals(1));
    }

    [Fact]
    public void Unclosed_quote()
    {
        var read = Read.Text("member_id,cost\nA,1\nB,\"2\nC,3\n", IdAndCost);
        var d = read.Single("VBC3008");
        Assert.Equal((3, 3), (d.Location.Line, d.Location.Column));
        Assert.Equal(Severity.Error, d.Severity);
    }

    [Theory]
    [InlineData("A,12\"3\n", 3)]
    [InlineData("A,\"12\"3\n", 3)]
    public void Misplaced_quotes(string row, int column)
    {
        var read = Read.Text("member_id,cost\n" + row, IdAndCost);
        var d = read.Single("VBC3009");
        Assert.Equal((2, column), (d.Location.Line, d.Location.Column));
        Assert.Contains("column 'cost'", d.Message);
    }

    [Fact]
    public void Row_too_long()
    {
        string longText = new string('x', 3000);
        var read = Read.Text($"member_id,cost,note\nA,1,ok\nB,2,{longText}\nC,3,ok\n", IdAndCost, new MemberReadOptions { MaxRowBytes = 1024 });
        var d = read.Single("VBC3010");
        Assert.Equal(3, d.Location.Line);
        Assert.Contains("Row 2 is longer than 1,024 bytes", d.Message);
        Assert.False(read.Result.Complete);
        Assert.Equal(new[] { "A" }, read.Texts(0));
    }

    [Fact]
    public void Row_too_long_in_a_large_file_with_a_quote_left_open()
    {
        var sb = new StringBuilder("member_id,cost,note\nA,1,\"oops\n");
        while (sb.Length < 700_000)
        {
            sb.Append("B,2,fine\n");
        }
        var read = Read.Text(sb.ToString(), IdAndCost, new MemberReadOptions { MaxRowBytes = 4096 });
        var d = read.Single("VBC3010");
        Assert.Equal(2, d.Location.Line);
        Assert.Empty(read.Batches);
    }

    [Theory]
    [InlineData("cost", "money")]
    [InlineData("flag", "yes/no")]
    [InlineData("day", "date")]
    [InlineData("member_id", "id")]
    public void Empty_values_are_errors_never_zero(string column, string typeName)
    {
        string header = "member_id,cost,flag,day";
        string row = column switch
        {
            "cost" => "A, ,1,2024-01-01",
            "flag" => "A,1,,2024-01-01",
            "day" => "A,1,1,\"\"",
            _ => ",1,1,2024-01-01",
        };
        var specs = new[] { Specs.Id(), Specs.Money("cost"), Specs.Of("flag", ValueType.Flag), Specs.Of("day", ValueType.Date) };
        var read = Read.Text(header + "\n" + row + "\n", specs);
        var d = read.Single("VBC3011");
        Assert.Contains($"Row 1, column '{column}'", d.Message);
        Assert.Contains(typeName, d.Message);
        Assert.Empty(read.Batches);
    }

    [Fact]
    public void Invalid_value_names_file_line_column_text_and_form()
    {
        var read = Read.Text("member_id,cost\nA,1\nB,12x\n", IdAndCost);
        var d = read.Single("VBC3012");
        Assert.Equal("members.csv", d.Location.File);
        Assert.Equal((3, 3), (d.Location.Line, d.Location.Column));
        Assert.Contains("Row 2, column 'cost': '12x' is not a valid money value", d.Message);
        Assert.Contains("1234.56", d.Message);
    }

    [Theory]
    [InlineData("1e5", "VBC3012")]
    [InlineData("1.5E3", "VBC3012")]
    [InlineData("123456789012345678901234567890", "VBC3013")]
    public void Exponents_and_overlong_numbers_are_refused(string text, string code)
    {
        var read = Read.Text($"member_id,cost\nA,{text}\n", IdAndCost);
        Assert.Equal(code, Assert.Single(read.Result.Diagnostics).Code);
    }

    [Fact]
    public void Ambiguous_percent()
    {
        var read = Read.Text("member_id,q\nA,92\n", new[] { Specs.Id(), Specs.Of("q", ValueType.Percent) });
        var d = read.Single("VBC3014");
        Assert.Contains("'92%'", d.Message);
    }

    [Theory]
    [InlineData("mm", "13")]
    [InlineData("mm", "-0.5")]
    [InlineData("visits", "-1")]
    public void Out_of_range(string column, string text)
    {
        string row = column == "mm" ? $"A,{text},1" : $"A,12,{text}";
        var read = Read.Text("member_id,mm,visits\n" + row + "\n",
            new[] { Specs.Id(), Specs.Of("mm", ValueType.MemberMonths), Specs.Of("visits", ValueType.Count) });
        var d = read.Single("VBC3015");
        Assert.Contains($"column '{column}'", d.Message);
        Assert.Contains($"'{text}'", d.Message);
    }

    [Fact]
    public void Fractional_count_is_invalid()
    {
        var read = Read.Text("member_id,visits\nA,1.5\n", new[] { Specs.Id(), Specs.Of("visits", ValueType.Count) });
        Assert.Contains("whole number", read.Single("VBC3012").Message);
    }

    [Fact]
    public void Duplicate_ids_name_the_id_and_both_lines()
    {
        var read = Read.Text("member_id,cost\nA,1\nB,2\n\"A\",3\n", IdAndCost);
        var d = read.Single("VBC3016");
        Assert.Equal(Severity.Error, d.Severity);
        Assert.Equal((4, 1), (d.Location.Line, d.Location.Column));
        Assert.Contains("'A' already appears on line 2 (row 1)", d.Message);
        Assert.Contains("Row 3", d.Message);
    }

    [Fact]
    public void Duplicate_ids_across_batches_are_verified_by_rereading()
    {
        var sb = new StringBuilder("region,member_id,cost\n");
        for (int i = 0; i < 300; i++)
        {
            sb.Append("north,\"M").Append(i).Append("\",1\n");
        }
        sb.Append("south,M77,2\n");   // row 301, line 302
        sb.Append("south,M299,2\n");  // row 302
        sb.Append("south,M0,2\n");    // row 303
        var read = Read.Text(sb.ToString(), new[] { Specs.Id(), Specs.Money("cost") }, new MemberReadOptions { BatchSize = 16 });
        var dups = read.Result.Diagnostics.Where(d => d.Code == "VBC3016").ToList();
        Assert.Equal(3, dups.Count);
        Assert.Contains("'M77' already appears on line 79 (row 78)", dups[0].Message);
        Assert.Equal((302, 7), (dups[0].Location.Line, dups[0].Location.Column));
        Assert.Contains("'M299' already appears on line 301 (row 300)", dups[1].Message);
        Assert.Contains("'M0' already appears on line 2 (row 1)", dups[2].Message);
        Assert.Equal(300, read.Result.RowsDelivered);
    }

    [Fact]
    public void Ids_stay_utf8_bytes_until_a_string_is_asked_for()
    {
        var read = Read.Text("member_id,cost\n\"Zoë\",1\nB,2\n C ,3\n", IdAndCost);
        var batch = Assert.Single(read.Batches);
        Assert.NotNull(batch.Utf8Text);
        Assert.Equal("Zoë", batch.TextAt(0, 0));
        Assert.Equal("C", batch.TextAt(0, 2));
        Assert.NotNull(batch.Utf8Text); // one row's id made no strings for the others
        Assert.Equal(new[] { "Zoë", "B", "C" }, batch.Texts(0).Take(batch.RowCount));
        Assert.Null(batch.Utf8Text);
        Assert.Equal("B", batch.TextAt(0, 1));
    }

    [Fact]
    public void A_batch_with_rows_left_out_holds_its_ids_as_strings()
    {
        var read = Read.Text("member_id,cost\nA,1\nB,x\nC,3\nA,4\n", IdAndCost, new MemberReadOptions { BadRows = BadRowPolicy.ExcludeBadRows });
        var batch = Assert.Single(read.Batches);
        Assert.Null(batch.Utf8Text);
        Assert.Equal(new[] { "A", "C" }, batch.Texts(0));
        Assert.Equal(new[] { "B", "A" }, read.Result.BadRows.Select(b => b.MemberId));
    }

    [Fact]
    public void Ids_that_differ_are_not_duplicates_even_in_case()
    {
        var read = Read.Text("member_id,cost\nA,1\na,2\nA ,3\n", IdAndCost);
        var d = read.Single("VBC3016"); // "A " is trimmed to "A"
        Assert.Equal(4, d.Location.Line);
        Assert.Equal(new[] { "A", "a" }, read.Texts(0));
    }

    [Fact]
    public void Too_many_problems_are_cut_at_200()
    {
        var sb = new StringBuilder("member_id,cost\n");
        for (int i = 0; i < 500; i++)
        {
            sb.Append('M').Append(i).Append(",bad\n");
        }
        var read = Read.Text(sb.ToString(), IdAndCost, new MemberReadOptions { BatchSize = 64 });
        Assert.Equal(201, read.Result.Diagnostics.Count);
        Assert.Equal("VBC0001", read.Result.Diagnostics[^1].Code);
        Assert.False(read.Result.Complete);
        Assert.True(read.Result.HasErrors);
    }

    [Fact]
    public void Exclude_mode_leaves_bad_rows_out_with_their_dollars()
    {
        string csv =
            "member_id,inpatient,pharmacy,mm\n" +
            "A,100.10,20.20,12\n" +
            "B,abc,30.03,12\n" +        // bad money: dollars 30.03, inpatient unread
            "C,5,7,13\n" +              // bad member months: dollars 12
            "D,1,2\n" +                 // ragged: dollars unknown
            "A,0.1,0.2,12\n" +          // duplicate of A: dollars 0.3
            "E,1.5,2.5,6\n";
        var specs = new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Money("pharmacy"), Specs.Of("mm", ValueType.MemberMonths) };
        var read = Read.Text(csv, specs, new MemberReadOptions { BadRows = BadRowPolicy.ExcludeBadRows });

        Assert.False(read.Result.HasErrors);
        Assert.Equal(6, read.Result.RowsRead);
        Assert.Equal(2, read.Result.RowsDelivered);
        Assert.Equal(new[] { "A", "E" }, read.Texts(0));
        Assert.Equal(new[] { 100.10m, 1.5m }, read.Decimals(1));
        Assert.Equal(new long[] { 2, 7 }, read.Lines);

        var bad = read.Result.BadRows;
        Assert.Equal(new long[] { 3, 4, 5, 6 }, bad.Select(b => b.Line));
        Assert.Equal(new long[] { 2, 3, 4, 5 }, bad.Select(b => b.DataRow));
        Assert.Equal(new[] { "B", "C", "D", "A" }, bad.Select(b => b.MemberId));
        Assert.Equal(new[] { 30.03m, 12m, 0m, 0.3m }, bad.Select(b => b.Dollars));
        Assert.Equal(new[] { "inpatient" }, bad[0].UnreadMoneyColumns);
        Assert.Empty(bad[1].UnreadMoneyColumns);
        Assert.Equal(new[] { "inpatient", "pharmacy" }, bad[2].UnreadMoneyColumns);
        Assert.Equal(new[] { "VBC3012", "VBC3015", "VBC3007", "VBC3016" }, bad.Select(b => Assert.Single(b.Problems).Code));
        Assert.All(bad.SelectMany(b => b.Problems), p => Assert.Equal(Severity.Warning, p.Severity));
        Assert.Equal(42.33m, read.Result.BadRowDollars);
        Assert.Contains("This row is left out; the first is kept", bad[3].Problems[0].Message);

        var summary = read.Single("VBC3018");
        Assert.Contains("4 rows were left out", summary.Message);
        Assert.Contains("$42.33", summary.Message);
    }

    [Fact]
    public void Exclude_mode_a_bad_first_row_still_claims_its_id()
    {
        var read = Read.Text("member_id,cost\nA,oops\nA,2.5\nB,1\n", IdAndCost, new MemberReadOptions { BadRows = BadRowPolicy.ExcludeBadRows });
        Assert.Equal(new[] { "B" }, read.Texts(0));
        Assert.Equal(new[] { "VBC3012", "VBC3016" }, read.Result.BadRows.Select(b => Assert.Single(b.Problems).Code));
        Assert.Equal(new[] { 0m, 2.5m }, read.Result.BadRows.Select(b => b.Dollars));
        Assert.Equal(2.5m, read.Result.BadRowDollars);
    }

    [Fact]
    public void Exclude_mode_collects_several_problems_per_row()
    {
        var read = Read.Text("member_id,cost,flag\nA,x,maybe\n", new[] { Specs.Id(), Specs.Money("cost"), Specs.Of("flag", ValueType.Flag) },
            new MemberReadOptions { BadRows = BadRowPolicy.ExcludeBadRows });
        var bad = Assert.Single(read.Result.BadRows);
        Assert.Equal(new[] { "VBC3012", "VBC3012" }, bad.Problems.Select(p => p.Code));
        Assert.Equal(new[] { 3, 5 }, bad.Problems.Select(p => p.Location.Column));
        Assert.Empty(read.Batches);
    }

    [Fact]
    public void Stopping_early_leaves_an_incomplete_result()
    {
        var sb = new StringBuilder("member_id,cost\n");
        for (int i = 0; i < 100; i++)
        {
            sb.Append('M').Append(i).Append(",1\n");
        }
        using var file = TempFile.WithText(sb.ToString());
        using var reader = CsvMemberReader.Open(file.Path, IdAndCost, new MemberReadOptions { BatchSize = 10 });
        var first = reader.ReadBatches().First();
        Assert.Equal(10, first.RowCount);
        Assert.False(reader.Result.Complete);
        Assert.Throws<InvalidOperationException>(() => reader.ReadBatches());
    }

    [Fact]
    public void Field_column_counts_characters_not_bytes()
    {
        var read = Read.Text("name,member_id,cost\nJosé Müller,A,x\n", new[] { Specs.Id(), Specs.Money("cost") });
        var d = read.Single("VBC3012");
        Assert.Equal((2, 15), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Unnamed_columns_are_listed_as_ignored()
    {
        var read = Read.Text(",member_id,cost,\n0,A,1,\n", IdAndCost);
        Assert.Empty(read.Result.Diagnostics);
        Assert.Equal(new[] { "(column 1)", "(column 4)" }, read.Result.IgnoredColumns);
    }

    [Theory]
    [InlineData("member_id,cost\nA,1\nB,2\n", false, 7)]
    [InlineData("member_id,cost\r\nA,1\r\n\r\nB,2", true, 7)]
    [InlineData("member_id,cost\nA,1\nB,2\n", false, 4096)]
    public void The_file_hash_is_computed_while_reading(string csv, bool bom, int batchSize)
    {
        // The statement records the SHA-256 of the member file: the reader computes it from the bytes it reads
        // (header included), so no second pass is needed, and it must equal the hash of the whole file.
        var big = new StringBuilder(csv);
        for (int i = 0; i < 50_000; i++)
        {
            big.Append("\nX").Append(i).Append(",1.5");
        }
        using var file = TempFile.WithText(big.ToString(), bom);
        using var reader = CsvMemberReader.Open(file.Path, IdAndCost, new MemberReadOptions { BatchSize = batchSize });
        Assert.Null(reader.ContentSha256);
        int rows = reader.ReadBatches().Sum(b => b.RowCount);
        Assert.Equal(50_002, rows);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file.Path))), reader.ContentSha256);
    }

    [Fact]
    public void No_file_hash_when_reading_stopped_early()
    {
        // A reader abandoned before the end has not seen every byte: it gives no hash (the caller hashes the file).
        var big = new StringBuilder("member_id,cost\n");
        for (int i = 0; i < 200_000; i++)
        {
            big.Append('M').Append(i).Append(",1\n");
        }
        using var file = TempFile.WithText(big.ToString());
        using var reader = CsvMemberReader.Open(file.Path, IdAndCost, new MemberReadOptions { BatchSize = 64, MaxParallelism = 1 });
        Assert.Equal(64, reader.ReadBatches().First().RowCount);
        Assert.Null(reader.ContentSha256);
    }
}
