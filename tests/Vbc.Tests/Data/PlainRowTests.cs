using System.Text;
using Vbc.Data;
using Vbc.Diagnostics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Data;

/// <summary>
/// The reader's plain-row pass (CsvMemberReader.PlainRows.cs) against its exact path: every row, plain or not, must be
/// read to the same values (decimals bit for bit, scale included) and the same problems (code, severity, file, line,
/// column, message), the same bad rows and lines. Each thing that makes a row not plain is put at the first field, a
/// middle one, the last one read and past the last one read.
/// </summary>
public class PlainRowTests
{
    // 14 fields; the contract reads 8 of them, the last at field 11 (0-based), with unread fields between and after.
    private const string Header = "member_id,org,member_months,age,risk_score,attributed,inpatient,note,region,pharmacy,start_date,quality,pad1,pad2";
    private const string Plain = "M0001,ACO-01,12,75,0.694,1,1935.34,x,North,29105.25,2024-01-01,92%,p,q";

    private static readonly ColumnSpec[] Contract =
    {
        Specs.Id(),
        Specs.Of("member_months", ValueType.MemberMonths),
        Specs.Of("risk_score", ValueType.Number),
        Specs.Of("attributed", ValueType.Flag),
        Specs.Money("inpatient"),
        Specs.Of("region", ValueType.Text),
        Specs.Money("pharmacy"),
        Specs.Of("start_date", ValueType.Date),
        Specs.Of("quality", ValueType.Percent),
    };

    /// <summary>The file field of each kind of read field, and fields not read: first, middle, last read, past it.</summary>
    private static readonly int[] Positions = { 0, 2, 4, 5, 6, 8, 9, 10, 11, 1, 3, 7, 12, 13 };

    /// <summary>Values that are not plain (or not valid), each tried in every position.</summary>
    private static readonly string[] Oddities =
    {
        "\"5\"", "\"1,234.50\"", "5\"", "\"a\"\"b\"", " 5", "5 ", "\t5", " ", "", "-5", "+5", "-0.00", "$12.50",
        "$1,234.56", "12%", "1e5", "1.2.3", ".", ".5", "5.", "0.1234567890123456789", "1234567890123456789",
        "12345678901234567890", "99999999999999999999", "1234567890123456789.5", "12345678901234567890123456789",
        "123456789012345678901234567890", "00000000000000000001", "M\u00e9", "\u00e9", "x\ry", "13", "0", "1", "y", "no",
        "2024-02-30", "true", "0.5", "150%", "2",
        "\"unclosed", // last: the rest of the file is inside its quotes
    };

    public static IEnumerable<object[]> PositionsAndPolicies() =>
        from position in Positions
        from policy in new[] { BadRowPolicy.Fail, BadRowPolicy.ExcludeBadRows }
        select new object[] { position, policy };

    [Theory]
    [MemberData(nameof(PositionsAndPolicies))]
    public void Every_odd_value_in_every_position_reads_as_the_exact_path_reads_it(int position, BadRowPolicy policy)
    {
        var rows = new List<string>();
        int id = 0;
        foreach (string odd in Oddities)
        {
            var fields = Plain.Split(',');
            fields[0] = $"M{++id:D4}";
            fields[position] = position == 0 ? odd + id : odd; // ids stay distinct
            rows.Add(string.Join(",", fields));
            fields = Plain.Split(',');
            fields[0] = $"M{++id:D4}";
            rows.Add(string.Join(",", fields)); // a plain row after each odd one
        }
        AssertSameAsExact(Header + "\n" + string.Join("\n", rows) + "\n", policy);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Ragged_rows_long_rows_and_line_endings_read_as_the_exact_path_reads_them(string newline)
    {
        var rows = new List<string>
        {
            Plain.Replace("M0001", "A1"),
            Plain.Replace("M0001", "A2") + ",extra",
            string.Join(",", Plain.Replace("M0001", "A3").Split(',').Take(13)),
            string.Join(",", Plain.Replace("M0001", "A4").Split(',').Take(11)), // ends after the last field read
            string.Join(",", Plain.Replace("M0001", "A5").Split(',').Take(10)), // ends before it
            string.Join(",", Plain.Replace("M0001", "A6").Split(',').Take(3)),
            "A7",
            Plain.Replace("M0001", "A8").Replace(",p,q", ",p,\"q,r\""), // a quote past the last field read hides a comma
            Plain.Replace("M0001", "A9").Replace(",p,q", ",\"p,q"), // a quote left open past the last field read
        };
        // Long rows: the fields read sit across the 64-byte windows (fields not read made 1 to 140 bytes long).
        for (int width = 1; width <= 140; width += 3)
        {
            var fields = Plain.Split(',');
            fields[0] = "L" + width;
            fields[1] = new string('o', width);
            fields[3] = new string('7', width % 9 + 1);
            fields[7] = new string('n', (width * 7) % 70);
            fields[12] = new string('p', width);
            rows.Add(string.Join(",", fields));
        }
        AssertSameAsExact(Header + newline + string.Join(newline, rows) + newline, BadRowPolicy.ExcludeBadRows);
        // And the last row without a line ending.
        AssertSameAsExact(Header + newline + string.Join(newline, rows), BadRowPolicy.ExcludeBadRows);
        AssertSameAsExact(Header + newline + Plain, BadRowPolicy.Fail);
        AssertSameAsExact(Header + newline + Plain + "\r", BadRowPolicy.Fail);
    }

    [Fact]
    public void Invalid_utf8_in_a_field_read_and_in_one_not_read_reads_as_the_exact_path_reads_it()
    {
        // U+00FF is C3 BF in UTF-8; its first byte made 0xFF leaves a byte that UTF-8 never holds.
        var text = new StringBuilder(Header + "\n");
        for (int position = 0; position < 14; position++)
        {
            var fields = Plain.Split(',');
            fields[0] = "U" + position;
            fields[position] = position == 0 ? "U\u00ff" : "\u00ff";
            text.Append(string.Join(",", fields)).Append('\n');
            text.Append(Plain.Replace("M0001", "P" + position)).Append('\n');
        }
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString()).Select(b => b == 0xC3 ? (byte)0xFF : b).ToArray();
        foreach (var policy in new[] { BadRowPolicy.Fail, BadRowPolicy.ExcludeBadRows })
        {
            using var file = TempFile.WithBytes(bytes);
            var exact = Read.File(file.Path, Contract, new MemberReadOptions { BadRows = policy, BatchSize = 5, PlainRows = false });
            var plainRead = Read.File(file.Path, Contract, new MemberReadOptions { BadRows = policy, BatchSize = 5 });
            Assert.NotEmpty(exact.Result.Diagnostics);
            AssertSame(exact, plainRead);
        }
    }

    [Fact]
    public void Plain_rows_read_their_values_exactly()
    {
        string csv = Header + "\r\n"
            + "A,o,12,1,0.694,1,1935.34,x,North,29105.25,2024-01-01,92%,p,q\r\n"
            + "B,o,7.5,1,1,0,1234567890123456789,x,,0.10,2024-12-31,0.5,p,q\r\n"
            + "C,o,0,1,.5,y,12345678901234567890,x,South,5.,2024-02-29,100%,p,q\r\n"
            + "D,o,12,1,0.0000000000000000001,no,-7.25,x,North,$1,2024-06-30,0,p,q";
        var read = Read.Text(csv, Contract, new MemberReadOptions { BatchSize = 2 });
        Assert.Empty(read.Result.Diagnostics);
        Assert.Equal(4, read.PlainRows); // a sign, $, 20 digits: read by the exact parser in the plain-row pass
        Assert.Equal(new[] { "A", "B", "C", "D" }, read.Texts(0));
        AssertBits(new[] { 12m, 7.5m, 0m, 12m }, read.Decimals(1));
        AssertBits(new[] { 0.694m, 1m, 0.5m, 0.0000000000000000001m }, read.Decimals(2));
        Assert.Equal(new[] { true, false, true, false }, read.Flags(3));
        AssertBits(new[] { 1935.34m, 1234567890123456789m, 12345678901234567890m, -7.25m }, read.Decimals(4));
        Assert.Equal(new[] { "North", "", "South", "North" }, read.Texts(5));
        AssertBits(new[] { 29105.25m, 0.10m, 5m, 1m }, read.Decimals(6));
        Assert.Equal(new[] { new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31), new DateOnly(2024, 2, 29), new DateOnly(2024, 6, 30) }, read.Dates(7));
        AssertBits(new[] { 0.92m, 0.5m, 1.00m, 0m }, read.Decimals(8));
        Assert.Equal(new long[] { 2, 3, 4, 5 }, read.Lines);
    }

    [Fact]
    public void Duplicate_ids_and_claims_read_as_the_exact_path_reads_them()
    {
        var sb = new StringBuilder(Header + "\n");
        for (int i = 0; i < 300; i++)
        {
            sb.Append(Plain.Replace("M0001", "M" + (i % 250))).Append('\n');
        }
        AssertSameAsExact(sb.ToString(), BadRowPolicy.ExcludeBadRows);
        AssertSameAsExact(sb.ToString(), BadRowPolicy.Fail);
    }

    [Fact]
    public void A_file_read_without_an_id_column_reads_as_the_exact_path_reads_it()
    {
        // As the claims file is read: no id column, so no id bytes are kept.
        var specs = new[] { Specs.Of("org", ValueType.Text), Specs.Money("inpatient"), Specs.Money("pharmacy") };
        string csv = Header + "\n" + Plain + "\n" + Plain.Replace("1935.34", "-1") + "\n" + Plain.Replace("29105.25", "x") + "\n";
        var exact = Read.Text(csv, specs, new MemberReadOptions { BadRows = BadRowPolicy.ExcludeBadRows, PlainRows = false });
        var plain = Read.Text(csv, specs, new MemberReadOptions { BadRows = BadRowPolicy.ExcludeBadRows });
        Assert.Equal(2, plain.PlainRows);
        Assert.Equal(Describe(exact.Result.Diagnostics), Describe(plain.Result.Diagnostics));
        Assert.Single(plain.Result.Diagnostics, d => d.Code == exact.Result.Diagnostics[0].Code);
        Assert.Equal(new[] { "ACO-01", "ACO-01" }, plain.Texts(0));
        AssertBits(new[] { 1935.34m, -1m }, plain.Decimals(1));
        AssertBits(exact.Decimals(2), plain.Decimals(2));
    }

    /// <summary>The comma walker on rows at every offset of a buffer, up to its very end (where it reads byte by byte).</summary>
    [Fact]
    public void Row_commas_finds_every_comma_and_any_quote_within_the_row_only()
    {
        var random = new Random(12);
        for (int trial = 0; trial < 4000; trial++)
        {
            int before = random.Next(0, 80);
            int length = random.Next(1, 300);
            int after = random.Next(0, 80);
            var buffer = new byte[before + length + after];
            for (int i = 0; i < buffer.Length; i++)
            {
                int k = random.Next(20);
                buffer[i] = k < 4 ? CsvSyntax.Comma : k == 4 && (trial % 3 == 0 || i < before || i >= before + length) ? CsvSyntax.Quote : (byte)('a' + k);
            }
            var row = buffer.AsSpan(before, length);
            var expectedCommas = new List<int>();
            for (int i = 0; i < length; i++)
            {
                if (row[i] == CsvSyntax.Comma)
                {
                    expectedCommas.Add(before + i);
                }
            }
            int firstQuote = row.IndexOf(CsvSyntax.Quote);
            int take = random.Next(0, expectedCommas.Count + 2);

            var walker = new RowCommas(buffer, before + length);
            bool ok = walker.Start(before);
            var found = new List<int>();
            for (int i = 0; ok && i < take; i++)
            {
                ok = walker.Next(out int at);
                if (ok)
                {
                    found.Add(at);
                }
            }
            int rest = 0;
            if (ok)
            {
                ok = walker.CountRest(out rest);
            }
            if (firstQuote >= 0)
            {
                Assert.False(ok, $"trial {trial}: a quote at {firstQuote} not seen");
                continue;
            }
            Assert.True(ok, $"trial {trial}");
            var expected = expectedCommas.Take(take).ToList();
            while (expected.Count < take)
            {
                expected.Add(before + length); // past the last comma: the row's end
            }
            Assert.Equal(expected, found);
            Assert.Equal(Math.Max(0, expectedCommas.Count - take), rest);
        }
    }

    private static void AssertSameAsExact(string csv, BadRowPolicy policy)
    {
        foreach (int batchSize in new[] { 1, 3, 64 })
        {
            var exact = Read.Text(csv, Contract, new MemberReadOptions { BadRows = policy, BatchSize = batchSize, PlainRows = false });
            var plain = Read.Text(csv, Contract, new MemberReadOptions { BadRows = policy, BatchSize = batchSize });
            AssertSame(exact, plain);
            Assert.Equal(0, exact.PlainRows);
            Assert.True(plain.PlainRows > 0);
        }
    }

    private static void AssertSame(ReadOutcome exact, ReadOutcome plain)
    {
        Assert.Equal(Describe(exact.Result.Diagnostics), Describe(plain.Result.Diagnostics));
        Assert.Equal(exact.Result.BadRows.Select(b => $"{b.Line} {b.DataRow} {b.MemberId} {b.Dollars} {string.Join("|", b.UnreadMoneyColumns)} {Describe(b.Problems)}"),
            plain.Result.BadRows.Select(b => $"{b.Line} {b.DataRow} {b.MemberId} {b.Dollars} {string.Join("|", b.UnreadMoneyColumns)} {Describe(b.Problems)}"));
        Assert.Equal(exact.Result.RowsRead, plain.Result.RowsRead);
        Assert.Equal(exact.Result.RowsDelivered, plain.Result.RowsDelivered);
        Assert.Equal(exact.Lines, plain.Lines);
        Assert.Equal(exact.Texts(0), plain.Texts(0));
        foreach (int column in new[] { 1, 2, 4, 6, 8 })
        {
            AssertBits(exact.Decimals(column), plain.Decimals(column));
        }
        Assert.Equal(exact.Flags(3), plain.Flags(3));
        Assert.Equal(exact.Texts(5), plain.Texts(5));
        Assert.Equal(exact.Dates(7), plain.Dates(7));
    }

    private static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics.Select(d => d.ToString()));

    private static void AssertBits(decimal[] expected, decimal[] actual) =>
        Assert.Equal(expected.Select(d => string.Join(" ", decimal.GetBits(d))), actual.Select(d => string.Join(" ", decimal.GetBits(d))));
}
