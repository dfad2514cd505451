using ParquetSharp;
using ParquetSharp.Schema;
using Vbc.Data;
using Vbc.Diagnostics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Data;

/// <summary>
/// The Parquet reader gives the batches and the data diagnostics the CSV reader gives for the same data: each CSV
/// diagnostic that can arise in a Parquet file is tested here on a small file written with ParquetSharp, plus the
/// Parquet-only ones (floating-point money, integers without a unit, precision, damaged files).
/// </summary>
public class ParquetMemberReaderTests
{
    // ---------------------------------------------------------------------------------------------------------
    // Values.

    [Fact]
    public void Reads_decimals_cents_integers_flags_text_and_dates_exactly()
    {
        using var file = Pq.Write(
            Pq.Text("member_id", "M1", "M2"),
            Pq.Decimal("inpatient", 18, 2, 123456, -5),
            Pq.Long("outpatient_cents", 1999, 1),
            Pq.Long("member_months", 12, 7),
            Pq.Double("risk_score", 0.482, 1.1),
            Pq.Bool("attributed", true, false),
            Pq.Long("esrd", 0, 1),
            Pq.Date("anchor_date", new DateOnly(2024, 2, 29), new DateOnly(1969, 12, 31)),
            Pq.Text("pharmacy", "$1,234.56", " 7.5 "),
            Pq.Decimal("snf", 28, 4, 12345678901234567890m, 1m));
        var read = ReadParquet(file.Path, new[]
        {
            Specs.Id(), Specs.Money("inpatient"), Specs.Money("outpatient"), Specs.Of("member_months", ValueType.MemberMonths),
            Specs.Of("risk_score", ValueType.Ratio), Specs.Of("attributed", ValueType.Flag), Specs.Of("esrd", ValueType.Flag),
            Specs.Of("anchor_date", ValueType.Date), Specs.Money("pharmacy"), Specs.Money("snf"),
        });
        Assert.Empty(read.Result.Diagnostics);
        Assert.Equal(new[] { "M1", "M2" }, read.Texts(0));
        Assert.Equal(new[] { 1234.56m, -0.05m }, read.Decimals(1));
        Assert.Equal(new[] { 19.99m, 0.01m }, read.Decimals(2));
        Assert.Equal(new[] { 12m, 7m }, read.Decimals(3));
        Assert.Equal(new[] { 0.482m, 1.1m }, read.Decimals(4));
        Assert.Equal(new[] { true, false }, read.Flags(5));
        Assert.Equal(new[] { false, true }, read.Flags(6));
        Assert.Equal(new[] { new DateOnly(2024, 2, 29), new DateOnly(1969, 12, 31) }, read.Dates(7));
        Assert.Equal(new[] { 1234.56m, 7.5m }, read.Decimals(8));
        Assert.Equal(new[] { 1234567890123456.7890m, 0.0001m }, read.Decimals(9));
        Assert.Equal(2, read.Decimals(1)[0].Scale);
        Assert.Equal(new long[] { 1, 2 }, read.Lines);
        Assert.Equal(2, read.Result.RowsRead);
    }

    [Fact]
    public void Text_is_parsed_as_in_a_csv_file_and_12_comma_5_is_refused()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1", "M2"), Pq.Text("inpatient", "$1,234.56", "12,5"));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        var d = read.Single("VBC3012");
        Assert.Equal(new Location("members.parquet", 2, 2), d.Location);
        Assert.Contains("Row 2, column 'inpatient': '12,5' is not a valid money value", d.Message);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The schema.

    [Fact]
    public void A_missing_column_names_the_columns_that_exist()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1"), Pq.Decimal("inpatent", 18, 2, 1));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        var d = read.Single("VBC3006");
        Assert.Contains("needs the column 'inpatient' (money)", d.Message);
        Assert.Contains("Did you mean 'inpatent'?", d.Message);
        Assert.Contains("'member_id', 'inpatent'", d.Message);
        Assert.Empty(read.Batches);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Floating_point_money_is_refused(bool single)
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1"), single ? Pq.Float("inpatient", 1.5f) : Pq.Double("inpatient", 1.5));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        var d = read.Single("VBC3070");
        Assert.Equal(Severity.Error, d.Severity);
        Assert.Equal(new Location("members.parquet", 0, 2), d.Location);
        Assert.Contains($"stored as {(single ? "FLOAT" : "DOUBLE")}", d.Message);
        Assert.Contains("'inpatient_cents'", d.Message);
        Assert.Empty(read.Batches);
    }

    [Fact]
    public void Whole_numbers_for_money_must_say_they_are_cents()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1"), Pq.Long("inpatient", 100));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        Assert.Contains("name the column 'inpatient_cents'", read.Single("VBC3073").Message);
    }

    [Fact]
    public void Dollars_and_cents_of_the_same_column_are_refused()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1"), Pq.Decimal("inpatient", 18, 2, 100), Pq.Long("inpatient_cents", 100));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        Assert.Contains("both 'inpatient' and 'inpatient_cents'", read.Single("VBC3074").Message);
    }

    [Fact]
    public void A_decimal_beyond_28_digits_is_refused()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1"), Pq.Decimal("inpatient", 38, 2, 1m));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        Assert.Contains("DECIMAL(38,2)", read.Single("VBC3072").Message);
    }

    [Fact]
    public void A_type_that_cannot_hold_the_value_is_refused_with_what_to_write()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1"), Pq.Bool("inpatient", true), Pq.Double("attributed", 1.0), Pq.Decimal("anchor_date", 18, 0, 2024));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Of("attributed", ValueType.Flag), Specs.Of("anchor_date", ValueType.Date) });
        var wrong = read.Result.Diagnostics.Where(d => d.Code == "VBC3071").ToList();
        Assert.Equal(3, wrong.Count);
        Assert.Contains(wrong, d => d.Message.Contains("'inpatient' is stored as BOOLEAN, which cannot hold a money value", StringComparison.Ordinal));
        Assert.Contains(wrong, d => d.Message.Contains("'attributed' is stored as DOUBLE", StringComparison.Ordinal));
        Assert.Contains(wrong, d => d.Message.Contains("'anchor_date' is stored as DECIMAL(18,0)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_column_named_twice_is_refused()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1"), Pq.Decimal("Inpatient", 18, 2, 1), Pq.Decimal("inpatient", 18, 2, 1));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        Assert.Contains("columns 2 and 3", read.Single("VBC3005").Message);
    }

    [Fact]
    public void A_file_without_rows_is_refused()
    {
        using var file = Pq.Write(Pq.Text("member_id"), Pq.Decimal("inpatient", 18, 2));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        read.Single("VBC3004");
    }

    [Fact]
    public void A_damaged_parquet_file_is_a_diagnostic_not_a_crash()
    {
        using var good = Pq.Write(Pq.Text("member_id", "M1"), Pq.Decimal("inpatient", 18, 2, 1));
        var bytes = File.ReadAllBytes(good.Path);
        using var cut = TempFile.WithBytes(bytes.Take(bytes.Length - 9).ToArray());
        Assert.Equal(DataFormat.Parquet, DataFormats.Detect(cut.Path));
        var read = ReadParquet(cut.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        Assert.Equal(Severity.Error, read.Single("VBC3075").Severity);
        Assert.Empty(read.Batches);
    }

    [Fact]
    public void A_damaged_page_stops_reading_with_a_diagnostic()
    {
        var ids = Enumerable.Range(1, 2000).Select(i => $"M{i:D6}").ToArray();
        using var good = Pq.Write(Pq.Text("member_id", ids), Pq.Decimal("inpatient", 18, 2, ids.Select(_ => 100m).ToArray()));
        var bytes = File.ReadAllBytes(good.Path);
        Array.Fill(bytes, (byte)0xFF, 4, 64); // the first page's header, right after the magic bytes
        using var damaged = TempFile.WithBytes(bytes);
        var read = ReadParquet(damaged.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        Assert.Equal(Severity.Error, read.Single("VBC3075").Severity);
        Assert.False(read.Result.Complete);
        Assert.True(read.Result.HasErrors);
    }

    [Fact]
    public void A_reader_abandoned_early_records_an_incomplete_result()
    {
        var ids = Enumerable.Range(1, 50).Select(i => $"M{i:D6}").ToArray();
        using var file = Pq.Write(Pq.Text("member_id", ids), Pq.Decimal("inpatient", 18, 2, ids.Select(_ => 100m).ToArray()));
        using var reader = ParquetMemberReader.Open(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") }, new MemberReadOptions { BatchSize = 4 });
        var first = reader.ReadBatches().First();
        Assert.Equal(4, first.RowCount);
        Assert.False(reader.Result.Complete);
    }

    [Fact]
    public void The_format_is_known_by_the_first_bytes_not_the_name()
    {
        using var parquet = Pq.Write(Pq.Text("member_id", "M1"));
        using var csv = TempFile.WithText("member_id\nM1\n");
        Assert.EndsWith(".csv", parquet.Path, StringComparison.Ordinal);
        Assert.Equal(DataFormat.Parquet, DataFormats.Detect(parquet.Path));
        Assert.Equal(DataFormat.Csv, DataFormats.Detect(csv.Path));
        Assert.IsType<Vbc.Settlement.ParquetMemberSource>(Vbc.Settlement.MemberFiles.Open(parquet.Path));
    }

    [Fact]
    public void Claims_with_a_parquet_member_file_are_refused()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1"), Pq.Decimal("inpatient", 18, 2, 1));
        using var source = new Vbc.Settlement.ParquetMemberSource(file.Path, name: "members.parquet", claimsName: "claims.csv");
        var problems = source.Open(new[] { Specs.Id(), Specs.Money("inpatient") });
        Assert.Equal("VBC3076", Assert.Single(problems).Code);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rows: the CSV reader's row diagnostics, at (row, column number).

    [Fact]
    public void A_null_is_refused_where_an_empty_cell_is_and_read_as_empty_text_where_one_is()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1", "M2"), Pq.OptionalDecimal("inpatient", 18, 2, 100, null), Pq.OptionalText("sex", null, "F"));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Of("sex", ValueType.Text) });
        var d = read.Single("VBC3011");
        Assert.Equal(new Location("members.parquet", 2, 2), d.Location);
        Assert.Contains("Row 2, column 'inpatient': the value is null", d.Message);
        Assert.Equal(new[] { "" }, read.Texts(2));
    }

    [Fact]
    public void A_null_id_is_refused()
    {
        using var file = Pq.Write(Pq.OptionalText("member_id", "M1", null), Pq.Decimal("inpatient", 18, 2, 1, 2));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") });
        Assert.Contains("Row 2, column 'member_id': the value is null", read.Single("VBC3011").Message);
    }

    [Fact]
    public void Duplicate_ids_name_both_rows_across_batches_and_row_groups()
    {
        using var file = Pq.Write(new[] { 3, 3 },
            Pq.Text("member_id", "M1", "M2", "M3", "M4", "M2", "M6"), Pq.Decimal("inpatient", 18, 2, 1, 2, 3, 4, 5, 6));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") }, new MemberReadOptions { BatchSize = 2 });
        var d = read.Single("VBC3016");
        Assert.Equal(new Location("members.parquet", 5, 1), d.Location);
        Assert.Contains("Row 5, column 'member_id': the member id 'M2' already appears in row 2.", d.Message);
    }

    [Fact]
    public void Values_are_checked_as_in_a_csv_file()
    {
        using var file = Pq.Write(
            Pq.Text("member_id", "M1", "M2"),
            Pq.Decimal("member_months", 18, 1, 125, 120),
            Pq.Decimal("quality", 18, 2, 92, 9200),
            Pq.Long("visits", 3, -1),
            Pq.Long("attributed", 1, 2),
            Pq.Text("inpatient", "1e3", "123456789012345678901234567890"));
        var read = ReadParquet(file.Path, new[]
        {
            Specs.Id(), Specs.Of("member_months", ValueType.MemberMonths), Specs.Of("quality", ValueType.Percent), Specs.Of("visits", ValueType.Count),
            Specs.Of("attributed", ValueType.Flag), Specs.Money("inpatient"),
        });
        var byCode = read.Result.Diagnostics.GroupBy(d => d.Code).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Contains(byCode["VBC3015"], d => d.Message.Contains("Row 1, column 'member_months': '12.5' is outside the range", StringComparison.Ordinal));
        Assert.Contains(byCode["VBC3015"], d => d.Message.Contains("Row 2, column 'visits': '-1'", StringComparison.Ordinal));
        Assert.Contains("Row 2, column 'quality': '92.00' is ambiguous", Assert.Single(byCode["VBC3014"]).Message);
        Assert.Contains(byCode["VBC3012"], d => d.Message.Contains("Row 2, column 'attributed': '2' is not a valid yes/no value", StringComparison.Ordinal));
        Assert.Contains(byCode["VBC3012"], d => d.Message.Contains("Row 1, column 'inpatient': '1e3'", StringComparison.Ordinal));
        Assert.Contains("Row 2, column 'inpatient'", Assert.Single(byCode["VBC3013"]).Message);
        Assert.Empty(read.Batches);
    }

    [Fact]
    public void Whole_numbers_and_decimals_read_in_one_loop_are_checked_at_their_bounds_as_one_by_one()
    {
        // Columns without nulls are read in one loop when every value passes its kind's check (tested on the stored
        // integers); a column with one value out of range is read one by one, so the problem is named at its row.
        var specs = new[]
        {
            Specs.Id(), Specs.Of("member_months", ValueType.MemberMonths), Specs.Of("quality", ValueType.Percent),
            Specs.Of("months_whole", ValueType.MemberMonths), Specs.Of("risk_score", ValueType.Ratio), Specs.Of("esrd", ValueType.Flag),
        };
        using (var good = Pq.Write(
            Pq.Text("member_id", "M1", "M2", "M3"),
            Pq.Decimal32("member_months", 9, 1, 0, 120, 60),
            Pq.Decimal("quality", 18, 3, 1000, -1000, 920),
            Pq.Long("months_whole", 12, 0, 7),
            Pq.Int("risk_score", -5, 0, int.MaxValue),
            Pq.Long("esrd", 0, 1, 1)))
        {
            var read = ReadParquet(good.Path, specs);
            Assert.Empty(read.Result.Diagnostics);
            Assert.Equal(new[] { "0.0", "12.0", "6.0" }, read.Decimals(1).Select(Text));
            Assert.Equal(new[] { "1.000", "-1.000", "0.920" }, read.Decimals(2).Select(Text));
            Assert.Equal(new[] { "12", "0", "7" }, read.Decimals(3).Select(Text));
            Assert.Equal(new[] { "-5", "0", "2147483647" }, read.Decimals(4).Select(Text));
            Assert.Equal(new[] { false, true, true }, read.Flags(5));
        }
        using var bad = Pq.Write(
            Pq.Text("member_id", "M1", "M2", "M3", "M4"),
            Pq.Decimal32("member_months", 9, 1, 0, 120, 121, -1),
            Pq.Decimal("quality", 18, 3, 1000, -1001, 920, 1),
            Pq.Long("months_whole", 12, 0, 13, 7),
            Pq.Int("risk_score", 1, 2, 3, 4),
            Pq.Long("esrd", 1, 0, 2, 0));
        var outcome = ReadParquet(bad.Path, specs, new MemberReadOptions { BadRows = BadRowPolicy.ExcludeBadRows });
        Assert.Equal(new[] { ("VBC3014", 2), ("VBC3015", 3), ("VBC3015", 3), ("VBC3015", 4) },
            outcome.Result.Diagnostics.Where(d => d.Code is "VBC3014" or "VBC3015").Select(d => (d.Code, d.Location.Line)).OrderBy(x => x.Line).ThenBy(x => x.Code));
        Assert.Contains(outcome.Result.Diagnostics, d => d.Message.Contains("Row 3, column 'member_months': '12.1' is outside the range", StringComparison.Ordinal));
        Assert.Contains(outcome.Result.Diagnostics, d => d.Message.Contains("Row 4, column 'member_months': '-0.1' is outside the range", StringComparison.Ordinal));
        Assert.Contains(outcome.Result.Diagnostics, d => d.Message.Contains("Row 3, column 'months_whole': '13' is outside the range", StringComparison.Ordinal));
        Assert.Contains(outcome.Result.Diagnostics, d => d.Message.Contains("Row 2, column 'quality': '-1.001' is ambiguous", StringComparison.Ordinal));
        Assert.Contains("Row 3, column 'esrd': '2' is not a valid yes/no value", Assert.Single(outcome.Result.Diagnostics, d => d.Code == "VBC3012").Message);
        Assert.Equal(new[] { true }, outcome.Flags(5));
        Assert.Equal(new[] { "0.0" }, outcome.Decimals(1).Select(Text));
        Assert.Equal(new[] { "1.000" }, outcome.Decimals(2).Select(Text));

        static string Text(decimal d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Text_that_is_not_utf8_is_refused()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1"), Pq.RawText("sex", new byte[] { 0x46, 0xFF }));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Of("sex", ValueType.Text) });
        Assert.Equal(new Location("members.parquet", 1, 2), read.Single("VBC3002").Location);
    }

    [Fact]
    public void Bad_rows_can_be_left_out_with_their_dollars()
    {
        using var file = Pq.Write(Pq.Text("member_id", "M1", "M2", "M3"), Pq.Decimal("inpatient", 18, 2, 100, 250, 300), Pq.Long("member_months", 12, 13, 12));
        var read = ReadParquet(file.Path, new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Of("member_months", ValueType.MemberMonths) },
            new MemberReadOptions { BadRows = BadRowPolicy.ExcludeBadRows });
        Assert.False(read.Result.HasErrors);
        var bad = Assert.Single(read.Result.BadRows);
        Assert.Equal((2L, "M2", 2.50m), (bad.DataRow, bad.MemberId, bad.Dollars));
        Assert.Equal(Severity.Warning, read.Single("VBC3015").Severity);
        read.Single("VBC3018");
        Assert.Equal(new[] { "M1", "M3" }, read.Texts(0));
        Assert.Equal(new long[] { 1, 3 }, read.Lines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Row_groups_decoded_in_parallel_come_in_file_order_with_their_problems(int threads)
    {
        // Six row groups of uneven sizes, decoded by several threads: the batches, the rows left out and the
        // diagnostics are those of a reading in file order, and the file's hash is computed on the side.
        const int n = 1000;
        var ids = Enumerable.Range(1, n).Select(i => $"M{i:D6}").ToArray();
        ids[777] = ids[12];  // a duplicate of a row three row groups earlier
        ids[901] = ids[900]; // a duplicate in the same batch
        var months = Enumerable.Range(0, n).Select(i => i == 333 ? 13L : 12L).ToArray();
        var cost = Enumerable.Range(0, n).Select(i => (decimal)(i * 7)).ToArray();
        using var file = Pq.Write(new[] { 100, 250, 50, 300, 150, 150 },
            Pq.Text("member_id", ids), Pq.Decimal("inpatient", 18, 2, cost), Pq.Long("member_months", months));
        var specs = new[] { Specs.Id(), Specs.Money("inpatient"), Specs.Of("member_months", ValueType.MemberMonths) };
        using var reader = ParquetMemberReader.Open(file.Path, specs, new MemberReadOptions
        {
            BadRows = BadRowPolicy.ExcludeBadRows,
            BatchSize = 64,
            MaxParallelism = threads,
            DisplayName = "members.parquet",
        });
        var batches = reader.ReadBatches().ToList();

        var left = new[] { 334L, 778L, 902L };
        var kept = Enumerable.Range(1, n).Select(i => (long)i).Where(r => !left.Contains(r)).ToArray();
        Assert.Equal(Enumerable.Range(0, batches.Count), batches.Select(b => b.Index));
        Assert.Equal(kept, batches.SelectMany(b => b.Lines.Take(b.RowCount)));
        Assert.Equal(kept.Select(r => ids[r - 1]), batches.SelectMany(b => b.Texts(0).Take(b.RowCount)));
        Assert.Equal(kept.Select(r => (r - 1) * 7 / 100m), batches.SelectMany(b => b.Decimals(1).Take(b.RowCount)));
        Assert.Equal(left, reader.Result.BadRows.Select(b => b.DataRow));
        var rowProblems = reader.Result.Diagnostics.Where(d => d.Code is "VBC3015" or "VBC3016").ToList();
        Assert.Equal(new[] { ("VBC3015", 334), ("VBC3016", 778), ("VBC3016", 902) }, rowProblems.Select(d => (d.Code, d.Location.Line)));
        Assert.Contains("the member id 'M000013' already appears in row 13", rowProblems[1].Message);
        Assert.Equal(n, reader.Result.RowsRead);
        Assert.True(reader.Result.Complete);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file.Path))), reader.ContentSha256);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Recycled_batches_carry_nothing_over_from_the_batches_whose_arrays_they_reuse(int threads)
    {
        // Batches of 64 rows whose arrays are reused once the caller asks for the next one (as the member stage reads):
        // a null id, a required value missing, a duplicate, in batches that reuse the arrays of earlier full batches,
        // are each reported once, at their row, and no value of an earlier batch shows through.
        const int n = 1000;
        var ids = Enumerable.Range(1, n).Select(i => (string?)$"M{i:D6}").ToArray();
        ids[64 * 5 + 1] = null;        // row 322: same place in its batch as row 2, whose id the arrays held before
        ids[64 * 9 + 3] = ids[64 + 3]; // row 580: a duplicate of row 68
        var cost = Enumerable.Range(0, n).Select(i => i == 64 * 7 + 5 ? (long?)null : i * 3L).ToArray(); // row 454: null cost (cents)
        using var file = Pq.Write(new[] { 300, 300, 400 }, Pq.OptionalText("member_id", ids), Pq.OptionalDecimal("inpatient", 18, 2, cost));
        var specs = new[] { Specs.Id(), Specs.Money("inpatient") };
        using var reader = ParquetMemberReader.Open(file.Path, specs, new MemberReadOptions
        {
            BadRows = BadRowPolicy.ExcludeBadRows,
            BatchSize = 64,
            MaxParallelism = threads,
            RecycleBatches = true,
            DisplayName = "members.parquet",
        });
        var rows = new List<(long Row, string Id, decimal Cost)>();
        foreach (var batch in reader.ReadBatches())
        {
            for (int i = 0; i < batch.RowCount; i++)
            {
                rows.Add((batch.DataRowAt(i), batch.Texts(0)[i], batch.Decimals(1)[i]));
            }
        }

        var left = new[] { 322L, 454L, 580L };
        var kept = Enumerable.Range(1, n).Select(i => (long)i).Where(r => !left.Contains(r)).ToList();
        Assert.Equal(kept, rows.Select(r => r.Row));
        Assert.Equal(kept.Select(r => ids[r - 1]), rows.Select(r => r.Id));
        Assert.Equal(kept.Select(r => (r - 1) * 3 / 100m), rows.Select(r => r.Cost));
        Assert.Equal(left, reader.Result.BadRows.Select(b => b.DataRow));
        var problems = reader.Result.Diagnostics.Where(d => d.Code is "VBC3011" or "VBC3016").ToList();
        Assert.Equal(new[] { ("VBC3011", 322), ("VBC3011", 454), ("VBC3016", 580) }, problems.Select(d => (d.Code, d.Location.Line)));
        Assert.Contains("already appears in row 68", problems[2].Message);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("int64")]
    [InlineData("int32")]
    public void Ids_stay_utf8_bytes_and_duplicates_are_found_on_them_in_earlier_row_groups(string stored)
    {
        // Ids are held as the UTF-8 bytes of their text (trimmed as a CSV cell; a whole number as its digits), not a
        // string per member: a batch gives a string only for the id asked for, and a duplicate of a row of an earlier
        // row group (read again from the file) or of the same batch is found on those bytes.
        const int n = 600;
        var numbers = Enumerable.Range(1, n).Select(i => 1_000_000L + i).ToArray();
        numbers[450] = numbers[7];   // row 451 repeats row 8, three row groups earlier
        numbers[521] = numbers[520]; // row 522 repeats row 521, in the same batch
        var texts = numbers.Select((v, i) => i % 5 == 0 ? $" Ü{v} " : $"Ü{v}").ToArray(); // padded and not: the same id
        using var file = Pq.Write(new[] { 100, 150, 200, 150 }, stored switch
        {
            "text" => Pq.Text("member_id", texts),
            "int64" => Pq.Long("member_id", numbers),
            _ => Pq.Int("member_id", numbers.Select(v => (int)v).ToArray()),
        }, Pq.Decimal("inpatient", 18, 2, numbers.Select(v => (decimal)v).ToArray()));
        string Id(long row) => stored == "text" ? $"Ü{numbers[row - 1]}" : numbers[row - 1].ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var reader = ParquetMemberReader.Open(file.Path, new[] { Specs.Id(), Specs.Money("inpatient") }, new MemberReadOptions
        {
            BadRows = BadRowPolicy.ExcludeBadRows,
            BatchSize = 32,
            MaxParallelism = 2,
            RecycleBatches = true,
            DisplayName = "members.parquet",
        });
        var rows = new List<(long Row, string Id)>();
        int asBytes = 0;
        foreach (var batch in reader.ReadBatches())
        {
            if (batch.Utf8Text is not null)
            {
                asBytes++;
                Assert.Equal(Id(batch.DataRowAt(3)), batch.TextAt(0, 3));
                Assert.NotNull(batch.Utf8Text); // one row's id made no strings for the others
            }
            for (int i = 0; i < batch.RowCount; i++)
            {
                rows.Add((batch.DataRowAt(i), batch.Texts(0)[i]));
            }
        }

        var left = new[] { 451L, 522L };
        var kept = Enumerable.Range(1, n).Select(i => (long)i).Where(r => !left.Contains(r)).ToList();
        Assert.Equal(kept, rows.Select(r => r.Row));
        Assert.Equal(kept.Select(Id), rows.Select(r => r.Id));
        Assert.True(asBytes >= 15, $"{asBytes} batches kept their ids as bytes");
        var duplicates = reader.Result.Diagnostics.Where(d => d.Code == "VBC3016").ToList();
        Assert.Equal(new[] { 451, 522 }, duplicates.Select(d => d.Location.Line));
        Assert.Contains($"the member id '{Id(8)}' already appears in row 8", duplicates[0].Message);
        Assert.Contains($"the member id '{Id(521)}' already appears in row 521", duplicates[1].Message);
        Assert.Equal(new[] { Id(451), Id(522) }, reader.Result.BadRows.Select(b => b.MemberId));
    }

    private static ReadOutcome ReadParquet(string path, IReadOnlyList<ColumnSpec> specs, MemberReadOptions? options = null)
    {
        using var reader = ParquetMemberReader.Open(path, specs, (options ?? new MemberReadOptions()) with { DisplayName = "members.parquet" });
        var batches = reader.ReadBatches().ToList();
        return new ReadOutcome { Batches = batches, Result = reader.Result, Header = reader.HeaderDiagnostics };
    }
}

/// <summary>Small Parquet files for tests, written with ParquetSharp's physical writers (the forms other tools write).</summary>
internal static class Pq
{
    internal sealed record Col(Func<Node> Node, int Count, Action<ColumnWriter, int, int> Write);

    public static Col Text(string name, params string[] values) =>
        new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.String(), PhysicalType.ByteArray), values.Length,
            (w, from, n) =>
            {
                using var l = w.LogicalWriter<string>();
                l.WriteBatch(values.AsSpan(from, n));
            });

    public static Col OptionalText(string name, params string?[] values) =>
        new(() => new PrimitiveNode(name, Repetition.Optional, LogicalType.String(), PhysicalType.ByteArray), values.Length,
            (w, from, n) =>
            {
                using var l = w.LogicalWriter<string>();
                l.WriteBatch(values.AsSpan(from, n)!);
            });

    public static Col RawText(string name, params byte[][] values) =>
        new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.None(), PhysicalType.ByteArray), values.Length,
            (w, from, n) =>
            {
                using var l = w.LogicalWriter<byte[]>();
                l.WriteBatch(values.AsSpan(from, n));
            });

    /// <summary>A DECIMAL column from its unscaled integers (123456 with scale 2 is 1234.56).</summary>
    public static Col Decimal(string name, int precision, int scale, params decimal[] unscaled) =>
        precision <= 18
            ? new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.Decimal(precision, scale), PhysicalType.Int64), unscaled.Length,
                (w, from, n) => ((ColumnWriter<long>)w).WriteBatch(unscaled.Skip(from).Take(n).Select(v => (long)v).ToArray()))
            : new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.Decimal(precision, scale), PhysicalType.FixedLenByteArray, 16), unscaled.Length,
                (w, from, n) =>
                {
                    // Big-endian two's complement, as other writers store wide decimals.
                    var values = unscaled.Skip(from).Take(n).Select(BigEndian).ToArray();
                    var pinned = values.Select(v => System.Runtime.InteropServices.GCHandle.Alloc(v, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
                    try
                    {
                        ((ColumnWriter<FixedLenByteArray>)w).WriteBatch(pinned.Select(h => new FixedLenByteArray(h.AddrOfPinnedObject())).ToArray());
                    }
                    finally
                    {
                        foreach (var h in pinned)
                        {
                            h.Free();
                        }
                    }
                });

    /// <summary>A DECIMAL(precision &lt;= 9) column stored as INT32, from its unscaled integers.</summary>
    public static Col Decimal32(string name, int precision, int scale, params int[] unscaled) =>
        new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.Decimal(precision, scale), PhysicalType.Int32), unscaled.Length,
            (w, from, n) => ((ColumnWriter<int>)w).WriteBatch(unscaled.AsSpan(from, n)));

    public static Col OptionalDecimal(string name, int precision, int scale, params long?[] unscaled) =>
        new(() => new PrimitiveNode(name, Repetition.Optional, LogicalType.Decimal(precision, scale), PhysicalType.Int64), unscaled.Length,
            (w, from, n) =>
            {
                var slice = unscaled.Skip(from).Take(n).ToArray();
                var defs = slice.Select(v => (short)(v is null ? 0 : 1)).ToArray();
                ((ColumnWriter<long>)w).WriteBatch(n, defs, null, slice.Where(v => v is not null).Select(v => v!.Value).ToArray());
            });

    public static Col Long(string name, params long[] values) =>
        new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.None(), PhysicalType.Int64), values.Length,
            (w, from, n) => ((ColumnWriter<long>)w).WriteBatch(values.AsSpan(from, n)));

    public static Col Int(string name, params int[] values) =>
        new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.None(), PhysicalType.Int32), values.Length,
            (w, from, n) => ((ColumnWriter<int>)w).WriteBatch(values.AsSpan(from, n)));

    public static Col Double(string name, params double[] values) =>
        new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.None(), PhysicalType.Double), values.Length,
            (w, from, n) => ((ColumnWriter<double>)w).WriteBatch(values.AsSpan(from, n)));

    public static Col Float(string name, params float[] values) =>
        new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.None(), PhysicalType.Float), values.Length,
            (w, from, n) => ((ColumnWriter<float>)w).WriteBatch(values.AsSpan(from, n)));

    public static Col Bool(string name, params bool[] values) =>
        new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.None(), PhysicalType.Boolean), values.Length,
            (w, from, n) => ((ColumnWriter<bool>)w).WriteBatch(values.AsSpan(from, n)));

    public static Col Date(string name, params DateOnly[] values) =>
        new(() => new PrimitiveNode(name, Repetition.Required, LogicalType.Date(), PhysicalType.Int32), values.Length,
            (w, from, n) => ((ColumnWriter<int>)w).WriteBatch(values.Skip(from).Take(n).Select(d => d.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber).ToArray()));

    public static TempFile Write(params Col[] columns) => Write(null, columns);

    /// <summary>Writes the columns in row groups of the given sizes (one row group of every row when null).</summary>
    public static TempFile Write(int[]? rowGroups, params Col[] columns)
    {
        var file = TempFile.Empty();
        var nodes = columns.Select(c => c.Node()).ToArray();
        using (var schema = new GroupNode("schema", Repetition.Required, nodes))
        using (var properties = new WriterPropertiesBuilder().Build())
        using (var writer = new ParquetFileWriter(file.Path, schema, properties))
        {
            int from = 0;
            foreach (int n in rowGroups ?? new[] { -1 })
            {
                using var group = writer.AppendRowGroup();
                foreach (var c in columns)
                {
                    using var w = group.NextColumn();
                    c.Write(w, from, n < 0 ? c.Count : n);
                }
                from += n;
            }
            writer.Close();
        }
        foreach (var node in nodes)
        {
            node.Dispose();
        }
        return file;
    }

    private static byte[] BigEndian(decimal whole)
    {
        var unscaled = (System.Numerics.BigInteger)whole;
        var bytes = unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
        var result = new byte[16];
        byte fill = unscaled.Sign < 0 ? (byte)0xFF : (byte)0;
        Array.Fill(result, fill);
        bytes.CopyTo(result, 16 - bytes.Length);
        return result;
    }
}
