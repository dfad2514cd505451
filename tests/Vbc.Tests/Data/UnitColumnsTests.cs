using Vbc.Data;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Data;

/// <summary>
/// The readers hold a number column of a batch as 64-bit units of one scale when every value of the column in the
/// batch has that scale and fits (ColumnBatch.TryGetUnits), else as decimals; either way each value reads back as the
/// very decimal the parser gives (value and scale), and a column's scale may change from batch to batch.
/// </summary>
public sealed class UnitColumnsTests
{
    private static string Bits(decimal d) => string.Join(".", decimal.GetBits(d));

    private static decimal Parsed(string text)
    {
        Assert.Equal(ParseOutcome.Ok, ValueParsers.ParseDecimal(System.Text.Encoding.UTF8.GetBytes(text), money: true, out decimal value));
        return value;
    }

    [Fact]
    public void A_csv_column_of_one_scale_is_held_as_units_and_a_mixed_one_as_decimals()
    {
        string[] cents = { "1935.34", "0.00", "-12.50", "92233720368547758.07" };
        string[] mixed = { "1.5", "2.25", "3", "4.125" };
        string[] whole = { "100", "0", "7", "-3" };
        string[] tooLarge = { "1.00", "92233720368547758.08", "2.00", "3.00" };
        string csv = "member_id,inpatient,outpatient,professional,pharmacy,member_months\n"
            + string.Join("\n", Enumerable.Range(0, 4).Select(i => $"M{i},{cents[i]},{mixed[i]},{whole[i]},{tooLarge[i]},12"));
        var read = Read.Text(csv, new[]
        {
            Specs.Id(), Specs.Money("inpatient"), Specs.Money("outpatient"), Specs.Money("professional"), Specs.Money("pharmacy"),
            Specs.Of("member_months", ValueType.MemberMonths),
        });
        Assert.Empty(read.Result.Diagnostics);
        var batch = Assert.Single(read.Batches);

        Assert.True(batch.TryGetUnits(1, out var units, out int scale));
        Assert.Equal(2, scale);
        Assert.Equal(new long[] { 193534, 0, -1250, long.MaxValue }, units.Take(4));
        Assert.False(batch.TryGetUnits(2, out _, out _)); // mixed scales
        Assert.True(batch.TryGetUnits(3, out units, out scale));
        Assert.Equal(0, scale);
        Assert.Equal(new long[] { 100, 0, 7, -3 }, units.Take(4));
        Assert.False(batch.TryGetUnits(4, out _, out _)); // one value does not fit in 64 bits
        Assert.True(batch.TryGetUnits(5, out _, out scale));
        Assert.Equal(0, scale);

        foreach (var (column, texts) in new[] { (1, cents), (2, mixed), (3, whole), (4, tooLarge) })
        {
            Assert.Equal(texts.Select(t => Bits(Parsed(t))), read.Decimals(column).Select(Bits));
        }
    }

    [Fact]
    public void A_csv_column_whose_scale_changes_between_batches_has_each_batch_s_scale()
    {
        string[] values = { "10.00", "20.50", "30", "40", "1.5", "2.25", "-0.00", "0.00" };
        string csv = "member_id,inpatient\n" + string.Join("\n", values.Select((v, i) => $"M{i},{v}"));
        var read = Read.Text(csv, new[] { Specs.Id(), Specs.Money("inpatient") }, new MemberReadOptions { BatchSize = 2 });
        Assert.Empty(read.Result.Diagnostics);
        Assert.Equal(4, read.Batches.Count);
        var scales = read.Batches.Select(b => b.TryGetUnits(1, out _, out int s) ? s : -1).ToArray();
        Assert.Equal(new[] { 2, 0, -1 }, scales.Take(3)); // the last batch: units unless -0.00 keeps its sign, which units would lose
        Assert.Equal(values.Select(v => Bits(Parsed(v))), read.Decimals(1).Select(Bits));
    }

    [Fact]
    public void Rows_left_out_of_a_csv_batch_keep_the_units_of_the_rows_kept()
    {
        string csv = "member_id,inpatient\nM1,1.25\nM2,oops\nM3,3.50\nM1,4.75\n";
        var read = Read.Text(csv, new[] { Specs.Id(), Specs.Money("inpatient") }, new MemberReadOptions { BadRows = BadRowPolicy.ExcludeBadRows });
        var batch = Assert.Single(read.Batches);
        Assert.Equal(2, batch.RowCount);
        Assert.True(batch.TryGetUnits(1, out var units, out int scale));
        Assert.Equal(2, scale);
        Assert.Equal(new long[] { 125, 350 }, units.Take(2));
        Assert.Equal(new[] { 1.25m, 3.50m }, read.Decimals(1));
        // The duplicate's dollars, read from the units, are reported with the row left out.
        Assert.Contains(read.Result.BadRows, b => b.Dollars == 4.75m && b.Dollars.Scale == 2);
    }

    [Fact]
    public void Parquet_decimal_and_integer_cents_columns_are_held_as_units_of_their_scale()
    {
        using var file = Pq.Write(
            Pq.Text("member_id", "M1", "M2", "M3"),
            Pq.Decimal("inpatient", 18, 2, 123456, -5, 0),
            Pq.Long("outpatient_cents", 1999, 1, 0),
            Pq.Decimal32("risk_score", 9, 3, 482, 1100, 1),
            Pq.Long("member_months", 12, 7, 0),
            Pq.OptionalDecimal("snf", 18, 2, 100, null, 5));
        using var reader = ParquetMemberReader.Open(file.Path, new[]
        {
            Specs.Id(), Specs.Money("inpatient"), Specs.Money("outpatient"), Specs.Of("risk_score", ValueType.Ratio),
            Specs.Of("member_months", ValueType.MemberMonths), Specs.Money("snf"),
        }, new MemberReadOptions { DisplayName = "members.parquet", BadRows = BadRowPolicy.ExcludeBadRows });
        var batch = Assert.Single(reader.ReadBatches().ToList());
        Assert.Equal(2, batch.RowCount); // the row with a null left out
        foreach (var (column, expectedScale) in new[] { (1, 2), (2, 2), (3, 3), (4, 0) })
        {
            Assert.True(batch.TryGetUnits(column, out _, out int scale), $"column {column}");
            Assert.Equal(expectedScale, scale);
        }
        Assert.False(batch.TryGetUnits(5, out _, out _)); // read one by one (a null): decimals
        Assert.Equal(new[] { Bits(1234.56m), Bits(0.00m) }, batch.Decimals(1).Take(2).Select(Bits));
        Assert.Equal(new[] { Bits(19.99m), Bits(0.00m) }, batch.Decimals(2).Take(2).Select(Bits));
        Assert.Equal(new[] { Bits(0.482m), Bits(0.001m) }, batch.Decimals(3).Take(2).Select(Bits));
        Assert.Equal(new[] { Bits(12m), Bits(0m) }, batch.Decimals(4).Take(2).Select(Bits));
        Assert.Equal(new[] { Bits(1.00m), Bits(0.05m) }, batch.Decimals(5).Take(2).Select(Bits));
    }
}
